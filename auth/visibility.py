"""Who sees what: one `visible_<entity>(viewer)` per entity, the only code that knows.

Every read of an entity starts from its function here: root fields, `node`, loaders and
mutations alike. Deny by default: a viewer this module does not recognise sees nothing.
"""

from __future__ import annotations

from sqlalchemy import Select, false, select

from auth.viewer import Viewer
from models import User


def visible_users(viewer: Viewer) -> Select[User]:
    stmt = select(User)
    if viewer.is_staff:
        return stmt
    if viewer.user_id is not None:
        return stmt.where(User.id == viewer.user_id)
    return stmt.where(false())
