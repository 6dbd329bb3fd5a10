"""Troubleshooting guides loaded with the demo data (sv and en).

Each topic exists in both languages, written for its readers rather than translated word for
word; the external ids share a topic stem and end in the locale (`guide-paper-jam-en`,
`guide-paper-jam-sv`). The model codes are those of the demo catalogue in `portal.demo`; a
guide without any applies to every model.
"""

from __future__ import annotations

import dataclasses


@dataclasses.dataclass(frozen=True, slots=True)
class DemoGuide:
    external_id: str  # e.g. "guide-paper-jam-en"; unique
    locale: str  # "sv" or "en"
    title: str  # <= 200 chars
    summary: str  # one or two sentences, <= 500 chars
    steps: tuple[str, ...]  # 3 to 10 ordered steps, each one instruction, <= 500 chars
    model_codes: tuple[str, ...] = ()  # device models it applies to; () = all models


_COLOUR_MFP = ("MFP-C300",)
_MFPS = ("MFP-C300", "MFP-B450")
_PLOTTER = ("LFP-T36",)


DEMO_GUIDES: tuple[DemoGuide, ...] = (
    # Paper jam in a tray or in the duplex unit.
    DemoGuide(
        external_id="guide-paper-jam-en",
        locale="en",
        title="Clearing a paper jam in a tray or in the duplex unit",
        summary=(
            "The display shows a paper jam and printing has stopped. Find the location shown "
            "on the control panel, remove every piece of paper and stop the jam from coming back."
        ),
        steps=(
            "Read the jam message on the control panel. It shows where the paper is stuck, for "
            "example tray 2, the right-side door or the duplex unit, and often an animation of "
            "what to open.",
            "Leave the device switched on: it detects when the jam is cleared and then continues "
            "the print job by itself.",
            "For a jam in a tray, pull the tray out until it stops, lift it slightly and pull it "
            "out completely. Remove creased or skewed sheets, and reach into the opening for any "
            "sheet that is half fed.",
            "For a jam in the duplex unit, open the right-side door (on some models the rear "
            "duplex cover). Pull the paper out slowly with both hands in the direction it "
            "travels, so that it does not tear.",
            "Take care near the fuser, the area marked with a heat warning label: it can be very "
            "hot. Do not touch it, and wait ten minutes if paper is stuck inside it.",
            "If a sheet tears, find and remove every piece. Even a small scrap left in the paper "
            "path causes a new jam straight away.",
            "Before you push the tray back, fan the paper, check that the stack is below the "
            "maximum mark and move the paper guides so that they touch the stack without "
            "bending it.",
            "Close all doors and trays. The jam message clears and the device continues; if it "
            "does not, open the location again and look for remaining paper.",
            "If the same location jams again and again with fresh paper, report a fault in the "
            "portal and include the jam code and location shown on the display.",
        ),
        model_codes=_MFPS,
    ),
    DemoGuide(
        external_id="guide-paper-jam-sv",
        locale="sv",
        title="Pappersstopp i magasin eller i duplexenheten",
        summary=(
            "Displayen visar pappersstopp och utskriften har stannat. Så hittar du var papperet "
            "sitter, tar bort allt och förhindrar att det händer igen."
        ),
        steps=(
            "Läs meddelandet på kontrollpanelen. Där står var papperet har fastnat, till exempel "
            "i magasin 2, bakom den högra sidoluckan eller i duplexenheten, och ofta visas en "
            "animation av vad du ska öppna.",
            "Låt maskinen vara påslagen. Den känner av när stoppet är åtgärdat och fortsätter "
            "sedan med utskriften av sig själv.",
            "Sitter papperet i ett magasin: dra ut magasinet tills det tar stopp, lyft det lite "
            "och dra ut det helt. Ta bort skrynkliga eller snedmatade ark och känn efter i "
            "öppningen om något ark sitter halvvägs inne.",
            "Sitter papperet i duplexenheten: öppna den högra sidoluckan (på vissa modeller den "
            "bakre duplexluckan). Dra försiktigt ut papperet med båda händerna i den riktning det "
            "matas, så att det inte går sönder.",
            "Var försiktig vid fixeringsenheten, som är märkt med en varningsetikett för värme. "
            "Den kan vara mycket varm. Rör den inte, och vänta tio minuter om papper har fastnat "
            "i den.",
            "Har ett ark gått sönder måste du hitta alla bitar. Även en liten pappersbit som "
            "blir kvar i pappersbanan ger nytt stopp direkt.",
            "Lufta pappersbunten innan du skjuter in magasinet, kontrollera att den inte når "
            "över maxmarkeringen och skjut pappersstöden så att de ligger an mot bunten utan att "
            "böja den.",
            "Stäng alla luckor och magasin. Meddelandet försvinner och maskinen fortsätter. Gör "
            "den inte det, öppna igen och leta efter papper som blivit kvar.",
            "Blir det stopp på samma ställe gång på gång trots nytt papper, anmäl ett fel i "
            "portalen och ange felkoden och platsen som visas på displayen.",
        ),
        model_codes=_MFPS,
    ),
    # Roll media jam on the large-format plotter.
    DemoGuide(
        external_id="guide-plotter-media-jam-en",
        locale="en",
        title="Clearing a roll media jam on the large-format plotter",
        summary=(
            "The plotter stops with a media jam, or the paper has crumpled near the print head. "
            "Cut the media free, remove the jammed part and reload the roll straight."
        ),
        steps=(
            "Press the stop or cancel key on the control panel to cancel the current job, and "
            "wait until the print head has stopped moving.",
            "Open the top cover and look along the paper path. Do not touch the print head or "
            "the thin cables and tubes attached to it.",
            "Lift the media release lever so that the rollers let go of the paper.",
            "If the paper is still attached to the roll, cut it with scissors where it comes out "
            "of the feed slot, behind the jammed part.",
            "Pull the jammed media gently out towards the front. Check the whole width of the "
            "platen for torn pieces, including under the cutter rail.",
            "Close the top cover, wind the remaining paper back onto the roll and lift the roll "
            "out of the plotter.",
            "Cut the leading edge of the roll straight across and remove any creased or curled "
            "part. A skewed or wavy edge is the most common cause of a new jam.",
            "Load the roll again: push it firmly against the stop of the roll holder, feed the "
            "edge straight into the slot until the plotter takes it, and let the plotter align "
            "it.",
            "Check that the media type and width on the control panel match the roll you "
            "loaded, then send the job again.",
            "If the media jams repeatedly or always skews to one side, report a fault in the "
            "portal with a photo of the message on the control panel.",
        ),
        model_codes=_PLOTTER,
    ),
    DemoGuide(
        external_id="guide-plotter-media-jam-sv",
        locale="sv",
        title="Pappersstopp med rullmedia i storformatsskrivaren",
        summary=(
            "Plottern har stannat med mediastopp, eller papperet har skrynklats ihop vid "
            "skrivhuvudet. Klipp loss papperet, ta bort det som fastnat och ladda rullen rakt "
            "igen."
        ),
        steps=(
            "Tryck på stopp- eller avbryt-knappen på kontrollpanelen för att avbryta jobbet, och "
            "vänta tills skrivhuvudet har stannat.",
            "Öppna den övre luckan och se efter var papperet sitter. Rör inte skrivhuvudet eller "
            "de tunna kablar och slangar som sitter fast i det.",
            "Lyft spaken för mediafrigöring så att valsarna släpper papperet.",
            "Hänger papperet fortfarande ihop med rullen, klipp av det med en sax där det kommer "
            "ut ur matningsöppningen, bakom den del som har fastnat.",
            "Dra försiktigt ut det som fastnat framåt. Kontrollera hela bredden av plattan efter "
            "avrivna bitar, även under skärskenan.",
            "Stäng den övre luckan, rulla tillbaka resten av papperet på rullen och lyft ut "
            "rullen.",
            "Klipp framkanten på rullen rak och ta bort den del som är skrynklig eller böjd. En "
            "sned eller vågig kant är den vanligaste orsaken till att papperet fastnar igen.",
            "Sätt tillbaka rullen: tryck den ordentligt mot stoppet på rullhållaren, mata in "
            "kanten rakt i öppningen tills plottern tar tag i den och låt plottern rikta in den.",
            "Kontrollera att medietyp och bredd på kontrollpanelen stämmer med rullen du laddat, "
            "och skicka jobbet igen.",
            "Fastnar papperet upprepade gånger eller drar det alltid snett åt samma håll, anmäl "
            "ett fel i portalen och bifoga ett foto av meddelandet på kontrollpanelen.",
        ),
        model_codes=_PLOTTER,
    ),
    # Replacing a toner cartridge.
    DemoGuide(
        external_id="guide-replace-toner-en",
        locale="en",
        title="Replacing a toner cartridge",
        summary=(
            "When the control panel says a toner cartridge is empty, you can replace it in a few "
            "minutes without tools. The colour MFP C300 uses TN-421K, TN-421C, TN-421M and "
            "TN-421Y; the mono MFP B450 uses TN-328K."
        ),
        steps=(
            "Check on the control panel which cartridge to replace. On a colour device the "
            "message names the colour: black (K), cyan (C), magenta (M) or yellow (Y).",
            "Have the new cartridge ready before you open the device, and lay a sheet of paper "
            "on the floor in front of it in case toner spills.",
            "Open the front door. Push or turn the cartridge's release lever as shown on the "
            "label inside, and pull the empty cartridge out slowly, keeping it level.",
            "Take the new cartridge out of its bag and shake it firmly from side to side 5 to 10 "
            "times to loosen the toner.",
            "Remove all protective covers and tape, but do not touch the roller or the "
            "electrical contacts on the cartridge.",
            "Slide the new cartridge in along the guides until it clicks into place, in the slot "
            "with the matching colour label.",
            "Close the front door. The device checks the new cartridge and is ready again within "
            "a minute.",
            "Put the empty cartridge in the bag the new one came in. Use the return label if one "
            "is included, or hand it in as electronic waste; never put it in household waste or "
            "burn it.",
            "If the message stays after the new cartridge is in, take it out and push it in "
            "again firmly. If it is still not recognised, report a fault in the portal.",
        ),
        model_codes=_MFPS,
    ),
    DemoGuide(
        external_id="guide-replace-toner-sv",
        locale="sv",
        title="Byta tonerkassett",
        summary=(
            "När kontrollpanelen visar att en tonerkassett är tom byter du den på några minuter, "
            "utan verktyg. Färgmaskinen MFP C300 använder TN-421K, TN-421C, TN-421M och TN-421Y, "
            "och den svartvita MFP B450 använder TN-328K."
        ),
        steps=(
            "Se på kontrollpanelen vilken kassett som ska bytas. På en färgmaskin anges färgen: "
            "svart (K), cyan (C), magenta (M) eller gul (Y).",
            "Ha den nya kassetten framme innan du öppnar maskinen, och lägg gärna ett papper på "
            "golvet framför ifall det spills toner.",
            "Öppna frontluckan. Tryck eller vrid på kassettens spärr enligt etiketten på "
            "insidan och dra ut den tomma kassetten långsamt och rakt.",
            "Ta upp den nya kassetten ur påsen och skaka den ordentligt från sida till sida 5 "
            "till 10 gånger så att tonern lossnar.",
            "Ta bort alla skydd och all tejp, men rör inte valsen eller de elektriska "
            "kontakterna på kassetten.",
            "Skjut in den nya kassetten längs skenorna tills den klickar på plats, i facket med "
            "rätt färgetikett.",
            "Stäng frontluckan. Maskinen kontrollerar den nya kassetten och är klar igen inom "
            "någon minut.",
            "Lägg den tomma kassetten i påsen som den nya kom i. Använd returetiketten om en "
            "sådan följer med, annars lämnar du den som elavfall. Släng den aldrig bland "
            "hushållssoporna och elda aldrig upp den.",
            "Försvinner inte meddelandet, ta ut kassetten och tryck in den ordentligt igen. "
            "Känns den fortfarande inte igen, anmäl ett fel i portalen.",
        ),
        model_codes=_MFPS,
    ),
    # Streaks or lines on prints and copies.
    DemoGuide(
        external_id="guide-streaks-en",
        locale="en",
        title="Streaks, lines or spots on prints and copies",
        summary=(
            "Lines, streaks or repeating spots usually come from a dirty scanner glass or a worn "
            "part. First find out whether only copies are affected or printed pages too, then "
            "clean or replace the right part."
        ),
        steps=(
            "Print a test page from the control panel (usually under Reports or Device "
            "information), then copy a page using the document feeder. Compare the two.",
            "If the lines appear only on copies and scans from the document feeder, clean the "
            "narrow glass strip to the left of the large scanner glass. Lift the document feeder, "
            "wipe the strip with a soft, lint-free cloth lightly dampened with water, then dry "
            "it.",
            "If lines also appear when you copy from the large glass, clean the whole glass and "
            "the white underside of the lid the same way. Never spray liquid directly onto the "
            "glass.",
            "If the printed test page also has lines, run the cleaning routine from the control "
            "panel, usually under Maintenance or Adjustments, and print the test page again.",
            "If your device has a cleaning tool stored inside the front door, pull it out and "
            "push it back in gently a few times as its label describes, then put it back in "
            "place.",
            "Take out the toner cartridge, shake it from side to side and put it back. A "
            "cartridge that is almost empty can leave pale streaks along the paper.",
            "If marks repeat at the same distance down the page, measure that distance. A fixed "
            "interval points to a particular roller, drum or the fuser, and the technician can "
            "tell which from the measurement.",
            "If the problem remains, report a fault in the portal. Attach a photo of the test "
            "page and the distance between repeating marks.",
        ),
        model_codes=_MFPS,
    ),
    DemoGuide(
        external_id="guide-streaks-sv",
        locale="sv",
        title="Ränder, streck eller fläckar på utskrifter och kopior",
        summary=(
            "Streck, ränder eller återkommande fläckar beror oftast på smutsigt skannerglas "
            "eller en sliten del. Ta först reda på om bara kopiorna eller även utskrifterna "
            "påverkas, så vet du vad som ska åtgärdas."
        ),
        steps=(
            "Skriv ut en testsida från kontrollpanelen (oftast under Rapporter eller "
            "Enhetsinformation) och kopiera sedan ett ark via dokumentmataren. Jämför de två.",
            "Syns strecken bara på kopior och skanningar från dokumentmataren, rengör den smala "
            "glasremsan till vänster om det stora skannerglaset. Fäll upp dokumentmataren, torka "
            "remsan med en mjuk, luddfri trasa lätt fuktad med vatten och torka sedan torrt.",
            "Syns strecken även när du kopierar från det stora glaset, rengör hela glaset och "
            "den vita undersidan av locket på samma sätt. Spraya aldrig vätska direkt på "
            "glaset.",
            "Har även testutskriften streck, kör rengöringsfunktionen från kontrollpanelen, "
            "oftast under Underhåll eller Justeringar, och skriv ut testsidan igen.",
            "Finns det ett rengöringsverktyg innanför frontluckan, dra ut det och skjut in det "
            "försiktigt några gånger enligt etiketten, och sätt sedan tillbaka det.",
            "Ta ut tonerkassetten, skaka den från sida till sida och sätt tillbaka den. En "
            "nästan tom kassett kan ge ljusa ränder längs papperet.",
            "Upprepas märkena med samma avstånd nedåt på sidan, mät avståndet. Ett fast avstånd "
            "pekar ut en viss vals, trumman eller fixeringsenheten, och teknikern kan avgöra "
            "vilken utifrån måttet.",
            "Finns problemet kvar, anmäl ett fel i portalen. Bifoga ett foto av testsidan och "
            "avståndet mellan de återkommande märkena.",
        ),
        model_codes=_MFPS,
    ),
    # Colour streaks and colour problems on the colour MFP.
    DemoGuide(
        external_id="guide-colour-streaks-en",
        locale="en",
        title="Colour streaks, wrong colours or colour fringes on the colour MFP",
        summary=(
            "A line in one colour, colours that look wrong or coloured edges around text "
            "usually mean that one toner colour or the colour alignment needs attention. Find "
            "the colour first, then reseat, calibrate or replace."
        ),
        steps=(
            "Print a different document as well. If only one file has wrong colours, the cause "
            "is the file or the application's colour settings, not the device.",
            "Print the colour test page from the control panel (under Reports or Maintenance). "
            "It prints each colour separately, so you can see which one causes the problem.",
            "Check the toner levels on the control panel. If the faulty colour is low, replace "
            "that cartridge first: TN-421C cyan, TN-421M magenta, TN-421Y yellow or TN-421K "
            "black.",
            "If the toner level is fine, take out the cartridge of the faulty colour, shake it "
            "firmly from side to side and push it back in until it clicks.",
            "If black text has coloured edges or the colours are shifted against each other, "
            "run the colour registration adjustment from the Maintenance or Image quality menu.",
            "If colours look wrong overall, too dark or with a tint, run the colour calibration "
            "from the same menu. It takes a few minutes and prints a page you can throw away.",
            "Check the waste toner box status on the control panel. A nearly full waste toner "
            "box can leave coloured dots or lines on the pages.",
            "Print the colour test page again. If a line in one colour is still there, report a "
            "fault in the portal with a photo of the test page and say which colour it is.",
        ),
        model_codes=_COLOUR_MFP,
    ),
    DemoGuide(
        external_id="guide-colour-streaks-sv",
        locale="sv",
        title="Färgade ränder, fel färger eller färgkanter på färgmaskinen",
        summary=(
            "Ett streck i en färg, färger som ser fel ut eller färgade kanter runt text beror "
            "oftast på en av tonerfärgerna eller på färginpassningen. Ta reda på vilken färg det "
            "gäller innan du kalibrerar eller byter något."
        ),
        steps=(
            "Skriv ut ett annat dokument också. Får bara en viss fil fel färger beror det på "
            "filen eller programmets färginställningar, inte på maskinen.",
            "Skriv ut färgtestsidan från kontrollpanelen (under Rapporter eller Underhåll). Den "
            "skriver ut varje färg för sig, så att du ser vilken som orsakar problemet.",
            "Kontrollera tonernivåerna på kontrollpanelen. Håller den aktuella färgen på att ta "
            "slut, byt den kassetten först: TN-421C cyan, TN-421M magenta, TN-421Y gul eller "
            "TN-421K svart.",
            "Är tonernivån bra, ta ut kassetten för den aktuella färgen, skaka den ordentligt "
            "från sida till sida och tryck in den igen tills den klickar.",
            "Har svart text färgade kanter, eller ligger färgerna förskjutna mot varandra, kör "
            "färginpassningen från menyn Underhåll eller Bildkvalitet.",
            "Ser färgerna fel ut överlag, är de för mörka eller har de en färgton, kör "
            "färgkalibreringen från samma meny. Den tar några minuter och skriver ut en sida som "
            "du kan slänga.",
            "Kontrollera spilltonerbehållarens status på kontrollpanelen. En nästan full "
            "spilltonerbehållare kan ge färgade prickar eller streck på sidorna.",
            "Skriv ut färgtestsidan igen. Syns strecket i en färg fortfarande, anmäl ett fel i "
            "portalen med ett foto av testsidan och ange vilken färg det gäller.",
        ),
        model_codes=_COLOUR_MFP,
    ),
    # Faded or light prints.
    DemoGuide(
        external_id="guide-faded-prints-en",
        locale="en",
        title="Faded, light or uneven prints",
        summary=(
            "Pages come out pale, grey instead of black, or lighter in some areas. The cause is "
            "usually low toner, a toner-saving setting, damp paper or the wrong paper type "
            "setting."
        ),
        steps=(
            "Check the toner level on the control panel. If it is low, shake the cartridge from "
            "side to side to spread the remaining toner, and order a new one.",
            "In the print dialog on your computer, open the printer properties and make sure "
            "toner save, draft or economy mode is switched off.",
            "Check that the paper type set for the tray matches the paper you use. Heavy paper "
            "printed with the plain paper setting often comes out pale, and the toner can rub "
            "off.",
            "Replace the paper with a fresh ream from a closed package. Paper that has absorbed "
            "moisture gives light, blotchy prints.",
            "Print a test page from the control panel. If the test page is also pale, the "
            "problem is in the device, not in your document or computer.",
            "Adjust the print density on the control panel, usually under Adjustments or Image "
            "quality, one step at a time, and print the test page again after each step.",
            "If the print is light only along one side of the page, or the problem remains with "
            "a new toner cartridge, report a fault in the portal and attach a photo of the test "
            "page.",
        ),
        model_codes=_MFPS,
    ),
    DemoGuide(
        external_id="guide-faded-prints-sv",
        locale="sv",
        title="Bleka, ljusa eller ojämna utskrifter",
        summary=(
            "Sidorna blir bleka, gråa i stället för svarta eller ljusare på vissa ställen. "
            "Orsaken är oftast lite toner kvar, en inställning för tonerbesparing, fuktigt "
            "papper eller fel papperstyp."
        ),
        steps=(
            "Kontrollera tonernivån på kontrollpanelen. Är den låg, skaka kassetten från sida "
            "till sida så att den sista tonern fördelas, och beställ en ny.",
            "Öppna skrivaregenskaperna i utskriftsdialogen på datorn och kontrollera att "
            "tonerbesparing, utkastläge eller ekonomiläge är avstängt.",
            "Kontrollera att papperstypen som är inställd för magasinet stämmer med papperet du "
            "använder. Tjockt papper som skrivs ut med inställningen för vanligt papper blir "
            "ofta blekt, och tonern kan gå att gnugga bort.",
            "Byt till papper från ett nyöppnat paket. Papper som har dragit åt sig fukt ger "
            "ljusa och fläckiga utskrifter.",
            "Skriv ut en testsida från kontrollpanelen. Blir även testsidan blek sitter felet i "
            "maskinen, inte i dokumentet eller datorn.",
            "Justera svärtan på kontrollpanelen, oftast under Justeringar eller Bildkvalitet, "
            "ett steg i taget, och skriv ut testsidan igen efter varje ändring.",
            "Är utskriften ljus bara längs ena kanten av papperet, eller finns problemet kvar "
            "med en ny tonerkassett, anmäl ett fel i portalen och bifoga ett foto av testsidan.",
        ),
        model_codes=_MFPS,
    ),
    # Scan to e-mail.
    DemoGuide(
        external_id="guide-scan-to-email-en",
        locale="en",
        title="Scan to e-mail does not arrive or fails with an error",
        summary=(
            "The scan seems to go through but no e-mail arrives, or the device shows a sending "
            "error. Check the address, the file size and the mail settings step by step."
        ),
        steps=(
            "Look at the control panel after sending. If the job shows as failed, open the job "
            "log (Job status or Job history) and write down the error code.",
            "Check the recipient address for typing errors, and send a one-page test scan to "
            "your own address first.",
            "Look in the junk or spam folder of the recipient's mailbox, and ask your IT "
            "department whether e-mails from the device are being quarantined.",
            "Large scans can exceed the mail server's size limit. Lower the resolution to 200 or "
            "300 dpi, choose black and white or greyscale instead of colour, or send fewer pages "
            "per e-mail.",
            "Check that the device is on the network: print the network configuration page from "
            "the control panel and see that it shows an IP address, or print to the device from "
            "a computer.",
            "If the error mentions authentication, login or SMTP, the password or security "
            "settings of the mail account the device uses have probably changed. Your IT "
            "department must update them in the device's web settings.",
            "If your organisation has recently changed its e-mail service or tightened its "
            "security rules, scan to e-mail often stops until the device's mail settings are "
            "updated to match.",
            "If it still fails, report a fault in the portal with the error code, the time of "
            "the failed scan and whether scan to a network folder works.",
        ),
        model_codes=_MFPS,
    ),
    DemoGuide(
        external_id="guide-scan-to-email-sv",
        locale="sv",
        title="Skanna till e-post: inget kommer fram eller det blir fel",
        summary=(
            "Skanningen verkar gå iväg men inget e-postmeddelande kommer fram, eller så visar "
            "maskinen ett fel vid sändningen. Gå igenom adress, filstorlek och "
            "e-postinställningar i tur och ordning."
        ),
        steps=(
            "Titta på kontrollpanelen efter sändningen. Visas jobbet som misslyckat, öppna "
            "jobbloggen (Jobbstatus eller Jobbhistorik) och skriv upp felkoden.",
            "Kontrollera att mottagaradressen är rätt stavad, och skicka först en testskanning "
            "på en sida till din egen adress.",
            "Titta i mottagarens skräppostmapp, och fråga IT-avdelningen om e-post från "
            "maskinen hamnar i karantän.",
            "Stora skanningar kan vara större än vad e-postservern tar emot. Sänk upplösningen "
            "till 200 eller 300 dpi, välj svartvitt eller gråskala i stället för färg, eller "
            "skicka färre sidor per meddelande.",
            "Kontrollera att maskinen är ansluten till nätverket: skriv ut "
            "nätverkskonfigurationssidan från kontrollpanelen och se att den har en IP-adress, "
            "eller skriv ut till maskinen från en dator.",
            "Nämner felet autentisering, inloggning eller SMTP har lösenordet eller "
            "säkerhetsinställningarna för maskinens e-postkonto troligen ändrats. "
            "IT-avdelningen behöver uppdatera dem i maskinens webbinställningar.",
            "Har ni nyligen bytt e-posttjänst eller skärpt säkerhetsreglerna slutar skanning "
            "till e-post ofta att fungera tills maskinens e-postinställningar har anpassats.",
            "Fungerar det fortfarande inte, anmäl ett fel i portalen med felkoden, tidpunkten "
            "för den misslyckade skanningen och om skanning till nätverksmapp fungerar.",
        ),
        model_codes=_MFPS,
    ),
    # Scan to a network folder.
    DemoGuide(
        external_id="guide-scan-to-folder-en",
        locale="en",
        title="Scan to a network folder fails",
        summary=(
            "Scanning to a shared folder on a server or computer fails with a connection or "
            "login error. Most often a password has changed, the folder has moved or the device "
            "cannot reach the server."
        ),
        steps=(
            "Write down the exact error message or code from the control panel or the job log.",
            "Check that you chose the right destination in the address book. If you type the "
            "path yourself, use the form \\\\server\\share\\folder, with backslashes.",
            "A login or access denied error usually means the password of the account used for "
            "scanning has changed or expired. The saved password must be updated on the device, "
            "in the address book entry or by your IT department.",
            "Check that the folder still exists and that the scanning account may write to it: "
            "save a file to the same folder from a computer, signed in with the same account.",
            "Make sure the server or computer holding the folder is switched on and not asleep. "
            "A folder on a personal computer cannot be reached while that computer is off or "
            "away from the office network.",
            "Check that the disk holding the folder is not full.",
            "If the error is about the connection or the protocol, the server may have been "
            "updated to require a newer version of the SMB file-sharing protocol. Your IT "
            "department can check that the device and the server use the same version.",
            "If it still fails, report a fault in the portal with the error code, the folder "
            "path and whether scan to e-mail works.",
        ),
        model_codes=_MFPS,
    ),
    DemoGuide(
        external_id="guide-scan-to-folder-sv",
        locale="sv",
        title="Skanning till nätverksmapp fungerar inte",
        summary=(
            "Skanning till en delad mapp på en server eller dator stoppar med ett fel om "
            "anslutning eller inloggning. Oftast har ett lösenord ändrats, mappen flyttats "
            "eller så når maskinen inte servern."
        ),
        steps=(
            "Skriv upp exakt vilket felmeddelande eller vilken felkod som visas på "
            "kontrollpanelen eller i jobbloggen.",
            "Kontrollera att du har valt rätt mottagare i adressboken. Skriver du in sökvägen "
            "själv ska den se ut som \\\\server\\utdelning\\mapp, med omvända snedstreck.",
            "Fel om inloggning eller nekad åtkomst betyder oftast att lösenordet för kontot som "
            "används vid skanning har ändrats eller gått ut. Det sparade lösenordet måste då "
            "uppdateras i maskinen, i adressboken eller av IT-avdelningen.",
            "Kontrollera att mappen finns kvar och att skanningskontot får skriva i den: spara "
            "en fil i samma mapp från en dator där du är inloggad med samma konto.",
            "Se till att servern eller datorn med mappen är påslagen och inte i viloläge. En "
            "mapp på en vanlig dator går inte att nå när datorn är avstängd eller inte är "
            "ansluten till kontorsnätverket.",
            "Kontrollera att disken där mappen ligger inte är full.",
            "Gäller felet anslutningen eller protokollet kan servern ha uppdaterats och kräva "
            "en nyare version av fildelningsprotokollet SMB. IT-avdelningen kan kontrollera att "
            "maskinen och servern använder samma version.",
            "Fungerar det fortfarande inte, anmäl ett fel i portalen med felkoden, sökvägen "
            "till mappen och om skanning till e-post fungerar.",
        ),
        model_codes=_MFPS,
    ),
    # Common error codes.
    DemoGuide(
        external_id="guide-error-codes-en",
        locale="en",
        title="What the error codes on the control panel mean",
        summary=(
            "Codes starting with J are paper jams, codes starting with E are errors you can "
            "usually fix yourself, and codes starting with C are service calls for a technician. "
            "This is what to do for each, with the most common codes."
        ),
        steps=(
            "Write down the whole code and the text shown with it, or take a photo of the "
            "control panel. The technician needs the exact code, and it disappears once the "
            "device restarts.",
            "J codes, for example J-12 or J-30, are paper jams. The number shows where: J-1x is "
            "a tray, J-3x the duplex unit or a side door. Open the location the display points "
            "to and follow the paper jam guide.",
            "E-10 to E-19 mean that a door, cover or tray is not fully closed. Open and firmly "
            "close the front door, the side doors and every tray until the message clears.",
            "E-31 means that a toner cartridge or ink tank is not recognised. Take it out, check "
            "that all protective tape is removed and push it back in until it clicks.",
            "E-52 means that the waste toner box is full or missing. Replace it with a new one; "
            "the device does not print until you have.",
            "E-71 means that the device cannot reach the destination of a scan, such as the "
            "mail server or a shared folder. See the guides for scan to e-mail and scan to a "
            "network folder.",
            "If an E code stays after you have done what it asks, restart the device once. If it "
            "still remains, report a fault in the portal with the code.",
            "C codes, for example C-2557 (a drive fault in the imaging unit), are service calls. "
            "Switch the device off with the power button, wait 30 seconds and switch it on "
            "again. Do not pull the plug while the device is working.",
            "If the C code comes back after the restart, report a fault in the portal with the "
            "code and the device's serial number. Some C codes still allow limited use, such as "
            "black and white printing, until the technician arrives.",
        ),
    ),
    DemoGuide(
        external_id="guide-error-codes-sv",
        locale="sv",
        title="Vad betyder felkoderna på kontrollpanelen?",
        summary=(
            "Koder som börjar med J är pappersstopp, koder som börjar med E är fel som du oftast "
            "kan åtgärda själv och koder som börjar med C är servicefel som kräver en tekniker. "
            "Här är vad du gör i varje fall, med de vanligaste koderna."
        ),
        steps=(
            "Skriv upp hela koden och texten som visas med den, eller ta ett foto av "
            "kontrollpanelen. Teknikern behöver den exakta koden, och den försvinner när "
            "maskinen startas om.",
            "J-koder, till exempel J-12 eller J-30, är pappersstopp. Siffran visar var: J-1x är "
            "ett magasin, J-3x är duplexenheten eller en sidolucka. Öppna där displayen visar "
            "och följ guiden för pappersstopp.",
            "E-10 till E-19 betyder att en lucka, ett lock eller ett magasin inte är helt "
            "stängt. Öppna och stäng frontluckan, sidoluckorna och alla magasin ordentligt tills "
            "meddelandet försvinner.",
            "E-31 betyder att en tonerkassett eller bläckpatron inte känns igen. Ta ut den, "
            "kontrollera att all skyddstejp är borta och tryck in den igen tills den klickar.",
            "E-52 betyder att spilltonerbehållaren är full eller saknas. Byt till en ny; "
            "maskinen skriver inte ut förrän du har gjort det.",
            "E-71 betyder att maskinen inte når mottagaren av en skanning, till exempel "
            "e-postservern eller en delad mapp. Se guiderna om skanning till e-post och till "
            "nätverksmapp.",
            "Står E-koden kvar fast du har gjort det den ber om, starta om maskinen en gång. "
            "Finns den kvar även då, anmäl ett fel i portalen och ange koden.",
            "C-koder, till exempel C-2557 (fel i drivningen av bildenheten), är servicefel. "
            "Stäng av maskinen med strömknappen, vänta 30 sekunder och slå på den igen. Dra inte "
            "ur sladden medan maskinen arbetar.",
            "Kommer C-koden tillbaka efter omstarten, anmäl ett fel i portalen med koden och "
            "maskinens serienummer. Vissa C-koder tillåter begränsad användning, till exempel "
            "svartvit utskrift, tills teknikern kommer.",
        ),
    ),
    # Printer offline / network printing problems.
    DemoGuide(
        external_id="guide-printer-offline-en",
        locale="en",
        title="The printer is offline or print jobs do not come out",
        summary=(
            "Your computer shows the printer as offline, or jobs wait in the queue and nothing "
            "prints. Check the device, the network connection and the print queue on your "
            "computer."
        ),
        steps=(
            "Look at the device's control panel. Wake it from sleep by touching the screen or "
            "pressing a key, and deal with any error, empty tray or paper jam it shows.",
            "Ask whether colleagues can print to the same device. If nobody can, the problem is "
            "the device or the network; if only you cannot, it is your computer.",
            "Check that the network cable is firmly plugged in at both the device and the wall "
            "socket, and that the light next to the network port is on. On a wireless device, "
            "check the Wi-Fi symbol on the control panel.",
            "Print the network configuration page from the control panel and note the device's "
            "IP address. Type the address into a web browser: if the device's web page opens, "
            "the network connection works.",
            "Make sure your computer is on the same network as the device. Guest Wi-Fi and some "
            "VPN connections cannot reach the printers on the office network.",
            "On Windows, open the print queue, cancel jobs that are stuck and make sure Use "
            "Printer Offline in the Printer menu is not ticked. On a Mac, open the queue from "
            "Printers & Scanners and click Resume if printing is paused.",
            "Compare the IP address on the configuration page with the printer port on your "
            "computer. If the device has a new address, remove the printer and add it again, "
            "and ask your IT department to give the device a fixed address.",
            "Restart your computer. If the device has shown an error for a long time, also "
            "switch it off, wait 30 seconds and switch it on again.",
            "If nobody can print and the device shows no error, report a fault in the portal and "
            "say whether the device can print its own configuration page.",
        ),
    ),
    DemoGuide(
        external_id="guide-printer-offline-sv",
        locale="sv",
        title="Skrivaren är offline eller utskrifterna kommer inte ut",
        summary=(
            "Datorn visar skrivaren som offline, eller så blir jobben liggande i kön och "
            "ingenting skrivs ut. Kontrollera maskinen, nätverksanslutningen och utskriftskön i "
            "datorn."
        ),
        steps=(
            "Titta på maskinens kontrollpanel. Väck den ur viloläget genom att trycka på skärmen "
            "eller en knapp, och åtgärda fel, tomma magasin eller pappersstopp som visas.",
            "Fråga om kollegorna kan skriva ut till samma maskin. Kan ingen skriva ut ligger "
            "problemet i maskinen eller nätverket; gäller det bara dig ligger det i din dator.",
            "Kontrollera att nätverkskabeln sitter ordentligt i både maskinen och vägguttaget "
            "och att lampan vid nätverksporten lyser. Är maskinen trådlöst ansluten, titta efter "
            "wifi-symbolen på kontrollpanelen.",
            "Skriv ut nätverkskonfigurationssidan från kontrollpanelen och anteckna maskinens "
            "IP-adress. Skriv in adressen i webbläsaren: öppnas maskinens webbsida fungerar "
            "nätverksanslutningen.",
            "Se till att datorn är ansluten till samma nätverk som maskinen. Gästnätverk och "
            "vissa VPN-anslutningar når inte skrivarna i kontorsnätverket.",
            "I Windows: öppna utskriftskön, avbryt jobb som har fastnat och se till att Använd "
            "skrivaren offline under menyn Skrivare inte är markerat. På en Mac: öppna kön från "
            "Skrivare och skannrar och klicka på Återuppta om utskriften är pausad.",
            "Jämför IP-adressen på konfigurationssidan med skrivarporten i datorn. Har maskinen "
            "fått en ny adress, ta bort skrivaren och lägg till den igen, och be IT-avdelningen "
            "ge maskinen en fast adress.",
            "Starta om datorn. Har maskinen visat ett fel länge, stäng också av den, vänta 30 "
            "sekunder och slå på den igen.",
            "Kan ingen skriva ut och maskinen själv inte visar något fel, anmäl ett fel i "
            "portalen och ange om maskinen kan skriva ut sin egen konfigurationssida.",
        ),
    ),
    # Adding the printer on Windows.
    DemoGuide(
        external_id="guide-add-printer-windows-en",
        locale="en",
        title="Adding the printer on a Windows computer",
        summary=(
            "Add the device as a printer in Windows 11 or Windows 10 by its IP address, so that "
            "you can print even when Windows does not find it automatically."
        ),
        steps=(
            "If your organisation uses a print server or secure printing, ask your IT department "
            "which printer to add. Adding the device directly may bypass print rules and secure "
            "printing.",
            "Find the device's IP address: print the network configuration page from the "
            "control panel, or look under Device information or Network settings.",
            "Open Settings > Bluetooth & devices > Printers & scanners (in Windows 10: Settings "
            "> Devices > Printers & scanners) and click Add device.",
            "If the device appears in the list, check that the address shown matches its IP "
            "address, and click Add device next to it.",
            "If it does not appear, wait for the search to finish and click Add manually (in "
            "Windows 10: The printer that I want isn't listed).",
            "Choose Add a printer using an IP address or hostname, select TCP/IP Device, type "
            "the IP address and click Next.",
            "Choose the driver for your model if Windows offers it. For stapling or secure print "
            "with a PIN code, install the full driver package from your IT department instead of "
            "a generic driver.",
            "Give the printer a name colleagues recognise, such as its location, and finish the "
            "wizard. Print a test page when Windows offers to.",
            "Open Printer properties > Device settings (or Configuration) and make sure "
            "installed options such as extra trays and the stapling finisher are set; otherwise "
            "you cannot choose them when printing.",
        ),
    ),
    DemoGuide(
        external_id="guide-add-printer-windows-sv",
        locale="sv",
        title="Lägga till skrivaren i en Windows-dator",
        summary=(
            "Lägg till maskinen som skrivare i Windows 11 eller Windows 10 med hjälp av dess "
            "IP-adress, så kan du skriva ut även när Windows inte hittar den själv."
        ),
        steps=(
            "Använder ni en utskriftsserver eller säker utskrift, fråga IT-avdelningen vilken "
            "skrivare du ska lägga till. Lägger du till maskinen direkt kan du hamna utanför "
            "utskriftsreglerna och den säkra utskriften.",
            "Ta reda på maskinens IP-adress: skriv ut nätverkskonfigurationssidan från "
            "kontrollpanelen, eller titta under Enhetsinformation eller Nätverksinställningar.",
            "Öppna Inställningar > Bluetooth och enheter > Skrivare och skannrar (i Windows 10: "
            "Inställningar > Enheter > Skrivare och skannrar) och klicka på Lägg till enhet.",
            "Dyker maskinen upp i listan, kontrollera att adressen stämmer med IP-adressen och "
            "klicka på Lägg till enhet bredvid den.",
            "Dyker den inte upp, vänta tills sökningen är klar och klicka på Lägg till manuellt "
            "(i Windows 10: Skrivaren jag vill ha finns inte med i listan).",
            "Välj Lägg till en skrivare med en TCP/IP-adress eller ett värdnamn, välj "
            "TCP/IP-enhet, skriv in IP-adressen och klicka på Nästa.",
            "Välj drivrutinen för din modell om Windows föreslår den. Behöver du häftning eller "
            "säker utskrift med PIN-kod, installera hela drivrutinspaketet från IT-avdelningen i "
            "stället för en generisk drivrutin.",
            "Ge skrivaren ett namn som kollegorna känner igen, till exempel var den står, och "
            "slutför guiden. Skriv ut en testsida när Windows erbjuder det.",
            "Öppna Skrivaregenskaper > Enhetsinställningar (eller Konfiguration) och kontrollera "
            "att installerade tillval som extra magasin och häftenhet är angivna. Annars går de "
            "inte att välja när du skriver ut.",
        ),
    ),
    # Adding the printer on macOS.
    DemoGuide(
        external_id="guide-add-printer-macos-en",
        locale="en",
        title="Adding the printer on a Mac",
        summary=(
            "Add the device in macOS by its IP address, with AirPrint or the manufacturer's "
            "driver, so that you can print even when the Mac does not find it automatically."
        ),
        steps=(
            "Find the device's IP address: print the network configuration page from the "
            "control panel, or look under Device information or Network settings.",
            "Open the Apple menu > System Settings > Printers & Scanners and click Add Printer, "
            "Scanner or Fax.",
            "If the device is listed on the Default tab, select it and check that the name and "
            "location are right. Otherwise click the IP tab, the one with the globe icon.",
            "Type the IP address under Address and choose Internet Printing Protocol (IPP) under "
            "Protocol. Leave Queue empty unless your IT department has told you otherwise.",
            "Under Use, choose Secure AirPrint for everyday printing, or Select Software to pick "
            "the driver for your model if it is installed.",
            "Give the printer a name colleagues recognise, such as its location, and click Add.",
            "If you are asked about installable options, tick the ones the device has, such as "
            "extra trays or the stapling finisher, so that you can choose them when printing.",
            "Print a test page from any app. For secure print with a PIN code or for stapling "
            "you may need the full driver from your IT department, as AirPrint offers only some "
            "finishing options.",
        ),
    ),
    DemoGuide(
        external_id="guide-add-printer-macos-sv",
        locale="sv",
        title="Lägga till skrivaren på en Mac",
        summary=(
            "Lägg till maskinen i macOS med hjälp av IP-adressen, via AirPrint eller "
            "tillverkarens drivrutin, så kan du skriva ut även när datorn inte hittar den själv."
        ),
        steps=(
            "Ta reda på maskinens IP-adress: skriv ut nätverkskonfigurationssidan från "
            "kontrollpanelen, eller titta under Enhetsinformation eller Nätverksinställningar.",
            "Öppna Apple-menyn > Systeminställningar > Skrivare och skannrar och klicka på Lägg "
            "till skrivare, skanner eller fax.",
            "Syns maskinen under fliken Förval, markera den och kontrollera att namn och plats "
            "stämmer. Annars klickar du på fliken IP, den med jordglobssymbolen.",
            "Skriv in IP-adressen vid Adress och välj Internet Printing Protocol (IPP) vid "
            "Protokoll. Lämna Kö tomt om inte IT-avdelningen har sagt något annat.",
            "Vid Använd väljer du Säker AirPrint för vanliga utskrifter, eller Välj programvara "
            "om drivrutinen för din modell är installerad.",
            "Ge skrivaren ett namn som kollegorna känner igen, till exempel var den står, och "
            "klicka på Lägg till.",
            "Får du frågan om installerbara tillval, markera det som maskinen har, till exempel "
            "extra magasin eller häftenhet, så att du kan välja dem när du skriver ut.",
            "Skriv ut en testsida från valfritt program. För säker utskrift med PIN-kod eller "
            "häftning kan du behöva den fullständiga drivrutinen från IT-avdelningen, eftersom "
            "AirPrint bara har en del av efterbehandlingsvalen.",
        ),
    ),
    # Toner low but prints fine: when to order.
    DemoGuide(
        external_id="guide-toner-low-en",
        locale="en",
        title="The device says toner low but still prints fine: when to order",
        summary=(
            "Toner low is an early warning, not a fault. The device keeps printing normally for "
            "a while, so order the new cartridge now and replace it only when the device asks "
            "you to."
        ),
        steps=(
            "Check on the control panel which cartridge is low. On the colour MFP C300 it can be "
            "black, cyan, magenta or yellow; the mono MFP B450 has only black.",
            "Keep printing as usual. The warning typically appears when about 10 to 15 percent "
            "of the toner remains, often several hundred pages depending on how much of each "
            "page is covered.",
            "Before you order, look at the device's orders in the portal: if your agreement "
            "includes automatic toner delivery, a new cartridge may already be on its way.",
            "Order the matching cartridge in the portal: TN-421K, TN-421C, TN-421M or TN-421Y "
            "for the MFP C300, and TN-328K for the MFP B450.",
            "Do not replace the cartridge yet. A cartridge taken out at toner low still holds "
            "toner that would be wasted.",
            "When the new cartridge arrives, keep it in its package, lying flat in a cool, dry "
            "place near the device.",
            "Replace the cartridge when the control panel says replace toner or toner empty, or "
            "earlier if prints become pale or streaky.",
            "If toner low appears right after you fit a new cartridge, take it out, check that "
            "all packaging is removed and push it in again firmly. If the warning stays, report "
            "a fault in the portal.",
        ),
        model_codes=_MFPS,
    ),
    DemoGuide(
        external_id="guide-toner-low-sv",
        locale="sv",
        title="Maskinen varnar för låg tonernivå men skriver ut bra: när ska jag beställa?",
        summary=(
            "Låg tonernivå är en tidig varning, inte ett fel. Maskinen skriver ut som vanligt "
            "ett bra tag till, så beställ en ny kassett nu men byt först när maskinen ber om det."
        ),
        steps=(
            "Se på kontrollpanelen vilken kassett det gäller. På färgmaskinen MFP C300 kan det "
            "vara svart, cyan, magenta eller gul; den svartvita MFP B450 har bara svart.",
            "Fortsätt skriva ut som vanligt. Varningen kommer normalt när ungefär 10 till 15 "
            "procent av tonern återstår, vilket ofta räcker till flera hundra sidor beroende på "
            "hur mycket av sidorna som täcks.",
            "Titta på maskinens beställningar i portalen innan du beställer. Ingår automatisk "
            "tonerleverans i avtalet kan en ny kassett redan vara på väg.",
            "Beställ rätt kassett i portalen: TN-421K, TN-421C, TN-421M eller TN-421Y till MFP "
            "C300 och TN-328K till MFP B450.",
            "Vänta med att byta. En kassett som tas ut vid låg tonernivå innehåller fortfarande "
            "toner som annars går till spillo.",
            "Förvara den nya kassetten i sin förpackning, liggande, svalt och torrt nära "
            "maskinen tills den behövs.",
            "Byt kassetten när kontrollpanelen säger att tonern ska bytas eller är slut, eller "
            "tidigare om utskrifterna blir bleka eller randiga.",
            "Kommer varningen direkt efter att du satt i en ny kassett, ta ut den, kontrollera "
            "att allt förpackningsmaterial är borta och tryck in den ordentligt igen. Står "
            "varningen kvar, anmäl ett fel i portalen.",
        ),
        model_codes=_MFPS,
    ),
    # Replacing the waste toner box.
    DemoGuide(
        external_id="guide-waste-toner-en",
        locale="en",
        title="Replacing the waste toner box",
        summary=(
            "The waste toner box collects toner left over from printing. When the control panel "
            "says it is full (error E-52), replace it with a new WX-105 box; the old one cannot "
            "be emptied and reused."
        ),
        steps=(
            "Have a new waste toner box (WX-105) ready, and lay paper on the floor in front of "
            "the device to catch any spilled toner.",
            "Open the front door. The waste toner box is usually at the bottom or beside the "
            "toner cartridges, marked with a label.",
            "Press the release lever or button and pull the full box out slowly. Keep it upright "
            "so that toner does not spill from the openings.",
            "Close the openings of the old box with the caps attached to it, or with the caps "
            "supplied with the new box.",
            "Put the old box in the plastic bag from the new box's package and seal the bag.",
            "Slide the new box in until it clicks and close the front door. The message on the "
            "control panel should clear within a minute.",
            "Wipe up spilled toner with a dry cloth or one dampened with cold water. Do not use "
            "an ordinary vacuum cleaner, as fine toner passes through its filter, or hot water, "
            "which makes toner stick.",
            "Return the used box with the return label if one is included, or hand it in as "
            "electronic waste. Never empty it or put it back in the device.",
            "If the message stays with the new box in place, take it out and push it in again "
            "firmly. If it still shows, report a fault in the portal.",
        ),
        model_codes=_COLOUR_MFP,
    ),
    DemoGuide(
        external_id="guide-waste-toner-sv",
        locale="sv",
        title="Byta spilltonerbehållare",
        summary=(
            "Spilltonerbehållaren samlar upp överbliven toner från utskrifterna. När "
            "kontrollpanelen visar att den är full (fel E-52) byter du till en ny WX-105; den "
            "gamla går inte att tömma och använda igen."
        ),
        steps=(
            "Ha en ny spilltonerbehållare (WX-105) framme och lägg papper på golvet framför "
            "maskinen ifall det spills toner.",
            "Öppna frontluckan. Spilltonerbehållaren sitter oftast längst ner eller bredvid "
            "tonerkassetterna och är märkt med en etikett.",
            "Tryck på spärren och dra ut den fulla behållaren långsamt. Håll den upprätt så att "
            "det inte kommer ut toner ur öppningarna.",
            "Stäng öppningarna på den gamla behållaren med locken som sitter på den, eller med "
            "locken som följer med den nya.",
            "Lägg den gamla behållaren i plastpåsen från den nya förpackningen och förslut påsen.",
            "Skjut in den nya behållaren tills den klickar och stäng frontluckan. Meddelandet på "
            "kontrollpanelen ska försvinna inom någon minut.",
            "Torka upp spilld toner med en torr trasa eller en trasa fuktad med kallt vatten. "
            "Använd inte en vanlig dammsugare, eftersom den fina tonern går rakt igenom filtret, "
            "och inte varmt vatten, som får tonern att fastna.",
            "Skicka tillbaka den använda behållaren med returetiketten om en sådan följer med, "
            "eller lämna den som elavfall. Töm den aldrig och sätt aldrig tillbaka den i "
            "maskinen.",
            "Försvinner inte meddelandet med den nya behållaren på plats, ta ut den och tryck in "
            "den ordentligt igen. Visas det fortfarande, anmäl ett fel i portalen.",
        ),
        model_codes=_COLOUR_MFP,
    ),
    # Staples: refilling the stapler and clearing a staple jam.
    DemoGuide(
        external_id="guide-staples-en",
        locale="en",
        title="Refilling staples and clearing a staple jam",
        summary=(
            "When the device says the stapler is empty, or sets come out without staples, refill "
            "the staple cartridge with an SK-602 refill. If staples are stuck, clear the jam in "
            "the staple cartridge."
        ),
        steps=(
            "Open the front cover of the finisher, the unit where stapled sets come out. On some "
            "models the stapler sits behind a small door at the output tray.",
            "Pull out the staple cartridge holder by its coloured handle.",
            "To refill: squeeze the sides of the empty staple refill and lift it out, then "
            "insert the new SK-602 refill until it clicks. Do not pull staples out of a refill "
            "by hand.",
            "To clear a jam: lift the small plate at the front of the cartridge, marked with an "
            "arrow, and remove the bent staples. They are sharp, so use a fingernail or the tip "
            "of a pen rather than your fingertips.",
            "Close the plate firmly, and remove any loose staples from the holder so that they "
            "do not fall into the device.",
            "Push the cartridge holder back in until it clicks and close the finisher cover. The "
            "device makes a few empty strokes to feed the first staple.",
            "Print a short test job with stapling switched on and check that the staple goes "
            "through all sheets.",
            "Stay within the stapling limit, usually about 50 sheets of ordinary 80 g paper. "
            "Thicker sets and heavy or glossy paper are the most common causes of staple jams.",
            "If the stapler jams again and again, or does not staple even with a new refill, "
            "report a fault in the portal.",
        ),
        model_codes=_MFPS,
    ),
    DemoGuide(
        external_id="guide-staples-sv",
        locale="sv",
        title="Fylla på häftklamrar och åtgärda klammerstopp",
        summary=(
            "När maskinen visar att häftklamrarna är slut, eller häftade buntar kommer ut utan "
            "klammer, fyller du på häftkassetten med en SK-602. Har klamrar fastnat åtgärdar du "
            "stoppet i kassetten."
        ),
        steps=(
            "Öppna frontluckan på efterbehandlaren, enheten där de häftade buntarna kommer ut. "
            "På vissa modeller sitter häftaren bakom en liten lucka vid utmatningsfacket.",
            "Dra ut häftkassetthållaren i det färgade handtaget.",
            "Påfyllning: kläm på sidorna av den tomma klammerpåfyllningen och lyft ur den, och "
            "sätt sedan i den nya SK-602 tills den klickar. Plocka inte ut klamrar ur en "
            "påfyllning för hand.",
            "Klammerstopp: fäll upp den lilla plattan längst fram på kassetten, märkt med en "
            "pil, och ta bort de böjda klamrarna. De är vassa, så använd en nagel eller en "
            "pennspets i stället för fingertopparna.",
            "Stäng plattan ordentligt och ta bort lösa klamrar från hållaren, så att de inte "
            "ramlar ner i maskinen.",
            "Skjut in kassetthållaren tills den klickar och stäng luckan. Maskinen gör några "
            "tomma slag för att mata fram den första klammern.",
            "Skriv ut ett kort testjobb med häftning och kontrollera att klammern går igenom "
            "alla ark.",
            "Håll dig inom gränsen för häftning, oftast runt 50 ark vanligt 80-gramspapper. "
            "Tjockare buntar och tjockt eller bestruket papper är de vanligaste orsakerna till "
            "klammerstopp.",
            "Fastnar klamrarna gång på gång, eller häftar maskinen inte ens med en ny "
            "påfyllning, anmäl ett fel i portalen.",
        ),
        model_codes=_MFPS,
    ),
    # Wrinkled or curled paper.
    DemoGuide(
        external_id="guide-paper-curl-en",
        locale="en",
        title="Wrinkled, creased or curled paper",
        summary=(
            "Pages come out creased, wrinkled or curled so much that they roll up or jam. The "
            "cause is almost always damp paper, the wrong paper setting or paper loaded the "
            "wrong way up."
        ),
        steps=(
            "Load paper from a freshly opened ream. Paper left open in the tray or stored "
            "somewhere damp or cold absorbs moisture and curls in the heat of the fuser.",
            "Turn the stack in the tray upside down. The ream wrapper usually has an arrow "
            "showing the side to print on first.",
            "Check that the paper type and size set for the tray on the control panel match the "
            "paper. Thin, recycled and heavy paper each need their own setting.",
            "Make sure the paper guides in the tray lightly touch the stack. Guides that are too "
            "loose let the paper skew and crease; guides that are too tight make it buckle.",
            "Print envelopes, labels and heavy paper from the bypass tray with the matching "
            "paper type, and use the face-up output if the device has one, so the sheets take a "
            "straighter path.",
            "Let double-sided prints cool in the output tray before you take the stack out, and "
            "avoid full-page dark backgrounds, which make curling worse.",
            "Store paper flat in its closed package, at room temperature and off the floor, and "
            "let cold paper reach room temperature before you load it.",
            "If pages are still creased with fresh paper and the right settings, especially "
            "always in the same place, report a fault in the portal with a photo of a creased "
            "page.",
        ),
        model_codes=_MFPS,
    ),
    DemoGuide(
        external_id="guide-paper-curl-sv",
        locale="sv",
        title="Skrynkligt, veckat eller böjt papper",
        summary=(
            "Sidorna kommer ut skrynkliga, veckade eller så böjda att de rullar ihop sig eller "
            "fastnar. Det beror nästan alltid på fuktigt papper, fel pappersinställning eller "
            "att papperet ligger åt fel håll."
        ),
        steps=(
            "Fyll på papper från ett nyöppnat paket. Papper som har legat öppet i magasinet "
            "eller förvarats fuktigt eller kallt drar åt sig fukt och böjer sig av värmen i "
            "fixeringsenheten.",
            "Vänd på pappersbunten i magasinet. På omslaget finns oftast en pil som visar vilken "
            "sida som ska skrivas ut först.",
            "Kontrollera att papperstyp och format som är inställda för magasinet på "
            "kontrollpanelen stämmer med papperet. Tunt papper, returpapper och tjockt papper "
            "behöver var sin inställning.",
            "Se till att pappersstöden i magasinet ligger lätt an mot bunten. Sitter de för löst "
            "matas papperet snett och veckas, sitter de för hårt buktar det.",
            "Skriv ut kuvert, etiketter och tjockt papper från det manuella facket med rätt "
            "papperstyp, och välj utmatning med framsidan upp om maskinen har det, så att arken "
            "går en rakare väg.",
            "Låt dubbelsidiga utskrifter svalna i utmatningsfacket innan du tar ut bunten, och "
            "undvik mörka bakgrunder över hela sidan, som gör att papperet böjer sig mer.",
            "Förvara papper liggande i oöppnad förpackning, i rumstemperatur och inte direkt på "
            "golvet. Låt kallt papper anta rumstemperatur innan du fyller på.",
            "Blir sidorna fortfarande skrynkliga med nytt papper och rätt inställningar, "
            "särskilt om det alltid sker på samma ställe, anmäl ett fel i portalen och bifoga "
            "ett foto av en skrynklig sida.",
        ),
        model_codes=_MFPS,
    ),
    # Printing from a phone.
    DemoGuide(
        external_id="guide-mobile-printing-en",
        locale="en",
        title="Printing from a phone or tablet",
        summary=(
            "Print from an iPhone, iPad or Android device with its built-in printing, without "
            "installing a driver. The phone must be on the same network as the device."
        ),
        steps=(
            "Connect the phone to the office Wi-Fi that the printers are on. Guest networks "
            "usually cannot reach the printers.",
            "On an iPhone or iPad, open the document, photo or web page, tap the Share button "
            "and choose Print. Tap Printer and pick the device from the list.",
            "On Android, open the document, tap the menu (three dots) and choose Print, then "
            "pick the device at the top of the screen. If no printers are listed, turn on the "
            "Default Print Service or install Mopria Print Service from Google Play.",
            "Set the number of copies, the pages, double-sided printing and colour or black and "
            "white before you tap Print.",
            "If the device does not appear, check that the phone really is on the office network "
            "and not on mobile data, and move closer to a wireless access point.",
            "If your office uses secure print, the job waits at the device until you release it: "
            "log in at the control panel or use your card, as in the guide to secure printing.",
            "If the device is still not found, ask your IT department whether mobile printing "
            "(AirPrint or Mopria) is switched on for it, or whether there is a separate app or "
            "e-mail address for printing.",
        ),
    ),
    DemoGuide(
        external_id="guide-mobile-printing-sv",
        locale="sv",
        title="Skriva ut från mobilen eller surfplattan",
        summary=(
            "Skriv ut från iPhone, iPad eller Android med telefonens inbyggda utskriftsfunktion, "
            "utan att installera någon drivrutin. Telefonen måste vara ansluten till samma "
            "nätverk som maskinen."
        ),
        steps=(
            "Anslut telefonen till kontorets wifi, det nätverk som skrivarna finns på. "
            "Gästnätverk når oftast inte skrivarna.",
            "På iPhone eller iPad: öppna dokumentet, bilden eller webbsidan, tryck på "
            "Dela-knappen och välj Skriv ut. Tryck på Skrivare och välj maskinen i listan.",
            "På Android: öppna dokumentet, tryck på menyn (tre punkter) och välj Skriv ut, och "
            "välj sedan maskinen högst upp på skärmen. Syns inga skrivare, slå på "
            "standardutskriftstjänsten eller installera Mopria Print Service från Google Play.",
            "Välj antal exemplar, vilka sidor, dubbelsidig utskrift och färg eller svartvitt "
            "innan du trycker på Skriv ut.",
            "Syns inte maskinen, kontrollera att telefonen verkligen är ansluten till "
            "kontorsnätverket och inte använder mobildata, och gå närmare en trådlös "
            "åtkomstpunkt.",
            "Använder ni säker utskrift väntar jobbet i maskinen tills du hämtar det. Logga in "
            "på kontrollpanelen eller använd ditt kort, som i guiden om säker utskrift.",
            "Hittas maskinen fortfarande inte, fråga IT-avdelningen om mobil utskrift (AirPrint "
            "eller Mopria) är påslagen för den, eller om det finns en särskild app eller "
            "e-postadress för utskrift.",
        ),
    ),
    # Reading the meter counters on the control panel.
    DemoGuide(
        external_id="guide-meter-readings-en",
        locale="en",
        title="Reading the meter counters on the control panel",
        summary=(
            "When the portal asks for a meter reading, read the counters on the device's control "
            "panel and enter them exactly as shown, so that you are invoiced for actual use "
            "rather than an estimate."
        ),
        steps=(
            "Wake the device by touching the screen or pressing a key. You do not need an "
            "administrator login to read the counters.",
            "Open the counter screen: press the Counter key if the device has one, or go to Menu "
            "> Device information > Counters. On some models it is called Meter or Billing "
            "counter.",
            "Compare the serial number on the counter screen, or on the label on the device, "
            "with the device's serial number in the portal, so that the reading is saved for the "
            "right device.",
            "Read every counter the portal asks for; a reading needs all of them. The colour MFP "
            "C300 has Total, Black, Colour and Scan, the mono MFP B450 has Total and Scan, and "
            "the large-format plotter T36 has a single large-format counter.",
            "Use the device totals, not the counters for a single user or department that "
            "devices with user accounting show on the same screen.",
            "Write each value down exactly as shown, as a whole number, without rounding or "
            "converting. Black and Colour can never be higher than Total; if they are, two "
            "counters have been mixed up.",
            "To keep a record, print the counter report from the same menu or under Reports, or "
            "take a photo of the counter screen.",
            "Enter the reading in the portal on the day you took it; each device takes one "
            "reading per day. The portal refuses a value lower than the previous reading, which "
            "usually means the wrong device or the wrong counter.",
            "If the portal warns that the reading implies unusually many pages, check the values "
            "again. Confirm only if they are right; a confirmed reading is reviewed by our staff.",
            "If you have submitted a wrong reading, you cannot change it yourself. Raise a case "
            "in the portal with the correct values, and our staff will void the wrong reading so "
            "that you can submit again.",
        ),
    ),
    DemoGuide(
        external_id="guide-meter-readings-sv",
        locale="sv",
        title="Läsa av räkneverken på kontrollpanelen",
        summary=(
            "När portalen ber om en mätarställning läser du av räkneverken på maskinens "
            "kontrollpanel och anger dem exakt som de visas. Då faktureras ni för den verkliga "
            "användningen i stället för en uppskattning."
        ),
        steps=(
            "Väck maskinen genom att trycka på skärmen eller en knapp. Du behöver ingen "
            "administratörsinloggning för att läsa av räkneverken.",
            "Öppna räkneverksbilden: tryck på knappen Räkneverk om maskinen har en sådan, eller "
            "gå till Meny > Enhetsinformation > Räkneverk. På vissa modeller heter det Mätare "
            "eller Debiteringsräknare.",
            "Jämför serienumret i räkneverksbilden, eller på etiketten på maskinen, med "
            "maskinens serienummer i portalen, så att mätarställningen hamnar på rätt maskin.",
            "Läs av alla räkneverk som portalen frågar efter; en mätarställning måste ha "
            "samtliga. Färgmaskinen MFP C300 har Totalt, Svart, Färg och Skanning, den svartvita "
            "MFP B450 har Totalt och Skanning, och storformatsskrivaren T36 har ett enda "
            "storformatsräkneverk.",
            "Använd maskinens totalvärden, inte räkneverken för enskilda användare eller "
            "avdelningar som maskiner med användarregistrering visar i samma bild.",
            "Skriv upp varje värde exakt som det visas, som ett heltal, utan att avrunda eller "
            "räkna om något. Svart och Färg kan aldrig vara högre än Totalt; är de det har två "
            "räkneverk blandats ihop.",
            "Vill du spara ett underlag, skriv ut räkneverksrapporten från samma meny eller "
            "under Rapporter, eller fotografera räkneverksbilden.",
            "Lämna mätarställningen i portalen samma dag som du läser av; varje maskin tar emot "
            "en mätarställning per dag. Portalen godtar inte ett lägre värde än förra gången, "
            "och ett lägre värde betyder oftast fel maskin eller fel räkneverk.",
            "Varnar portalen för att mätarställningen innebär ovanligt många sidor, kontrollera "
            "värdena en gång till. Bekräfta bara om de stämmer; en bekräftad mätarställning "
            "granskas av vår personal.",
            "Har du skickat in en felaktig mätarställning kan du inte ändra den själv. Skapa ett "
            "ärende i portalen med de rätta värdena, så makulerar vår personal den felaktiga och "
            "du kan lämna en ny.",
        ),
    ),
    # Secure / pull printing with a PIN code.
    DemoGuide(
        external_id="guide-secure-print-en",
        locale="en",
        title="Secure print and pull printing with a PIN code",
        summary=(
            "With secure print your document is held in the device, or on the print server, "
            "until you release it at the device with your PIN code or card, so nobody else can "
            "pick up your pages."
        ),
        steps=(
            "In your application, choose Print and select the printer, then open Printer "
            "properties or Preferences (on a Mac, the printer options in the print dialog).",
            "Set the job type or output method to Secure print, sometimes called Locked print or "
            "Confidential print.",
            "Enter a PIN code of 4 to 8 digits and, if asked, a job name you will recognise, "
            "then click OK and Print. The job is stored and nothing comes out yet.",
            "At the device, choose Secure print, Job box or Print release on the control panel. "
            "With pull printing, log in with your card or user name first.",
            "Select your user name or job, enter the same PIN code and choose Print. With pull "
            "printing you can release your jobs at any device connected to the system.",
            "Check the number of copies and the colour setting on the control panel before you "
            "release the job, and delete jobs you no longer need.",
            "Jobs that are not released are deleted automatically after a set time, often 24 "
            "hours, and cannot be recovered; print them again if you still need them.",
            "A forgotten PIN code cannot be recovered. Delete the job or let it expire, and "
            "print again with a new code.",
            "Log out on the control panel when you are finished, or wait for the automatic "
            "logout, so that the next person cannot use your login.",
            "If your job does not appear at the device, check that you printed to the right "
            "printer with secure print selected. If other people's jobs do not appear either, "
            "report a fault in the portal.",
        ),
    ),
    DemoGuide(
        external_id="guide-secure-print-sv",
        locale="sv",
        title="Säker utskrift och hämtutskrift med PIN-kod",
        summary=(
            "Med säker utskrift väntar dokumentet i maskinen, eller på utskriftsservern, tills "
            "du hämtar det vid maskinen med din PIN-kod eller ditt kort. Ingen annan kan ta "
            "dina papper."
        ),
        steps=(
            "Välj Skriv ut i programmet och välj skrivaren. Öppna sedan Skrivaregenskaper eller "
            "Inställningar (på en Mac skrivaralternativen i utskriftsdialogen).",
            "Ställ in jobbtyp eller utmatningsmetod på Säker utskrift, som ibland heter Låst "
            "utskrift eller Konfidentiell utskrift.",
            "Ange en PIN-kod på 4 till 8 siffror och, om du blir tillfrågad, ett jobbnamn som du "
            "känner igen. Klicka på OK och Skriv ut. Jobbet sparas och ingenting skrivs ut än.",
            "Välj Säker utskrift, Jobbox eller Frisläpp utskrift på maskinens kontrollpanel. Vid "
            "hämtutskrift loggar du först in med ditt kort eller ditt användarnamn.",
            "Välj ditt användarnamn eller jobb, ange samma PIN-kod och välj Skriv ut. Med "
            "hämtutskrift kan du hämta dina jobb vid vilken ansluten maskin som helst.",
            "Kontrollera antal exemplar och färginställning på kontrollpanelen innan du skriver "
            "ut, och radera jobb som du inte längre behöver.",
            "Jobb som inte hämtas raderas automatiskt efter en viss tid, ofta ett dygn, och går "
            "inte att få tillbaka. Skriv ut dem igen om du fortfarande behöver dem.",
            "En glömd PIN-kod går inte att få fram. Radera jobbet eller låt det gå ut, och "
            "skriv ut igen med en ny kod.",
            "Logga ut på kontrollpanelen när du är klar, eller vänta på den automatiska "
            "utloggningen, så att nästa person inte kan använda din inloggning.",
            "Syns inte ditt jobb vid maskinen, kontrollera att du skrev ut till rätt skrivare "
            "med säker utskrift vald. Syns inte heller andras jobb, anmäl ett fel i portalen.",
        ),
    ),
)
