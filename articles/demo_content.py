"""
Demo content for a fresh site: conditions, IVIG products, side effects, contributors, sources, three
articles (two published, one draft) and the site's policy pages.

The facts come from the two reference pages the site was conceived from; the wording is ours and the
contributors are invented people. :func:`load_demo_content` only ever adds rows that are missing, found by
their natural keys, so running it again changes nothing and never undoes an editor's changes.
"""

import datetime
import json
import pathlib
import re
import sys
from collections import Counter

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils.translation import gettext as _

from pages.models import Page
from references.models import Citation, Source, SourceAuthor
from review.guard import seeding

from .models import (
    Article,
    ArticleSideEffect,
    CodeSystem,
    Condition,
    ConditionCode,
    Contributor,
    Frequency,
    Product,
    ProductApproval,
    ProductSideEffect,
    SideEffect,
)

_BLOCK_GAP = re.compile(r">\s+<(/?(?:h[2-4]|p|ul|ol|li|blockquote)\b)")


def _html(text):
    """Rich text written across several source lines, as the one-line-per-block HTML the sanitizer keeps."""
    return _BLOCK_GAP.sub(r">\n<\1", " ".join(text.split()))


# --- Conditions ------------------------------------------------------------------------------------------------

ICD10CM, SNOMED, ICD9CM = CodeSystem.ICD10CM, CodeSystem.SNOMED, CodeSystem.ICD9CM

# Each condition's codes are (system, code, last category of a range or "", official title). Where we know no
# code of a system for certain (SNOMED CT for multifocal motor neuropathy), there is none rather than a guess.

CONDITIONS = [
    {
        "name": "Immune thrombocytopenia",
        "abbreviation": "ITP",
        "slug": "itp",
        "codes": [
            (ICD10CM, "D69.3", "", "Immune thrombocytopenic purpura"),
            (SNOMED, "32273002", "", "Idiopathic thrombocytopenic purpura"),
            (ICD9CM, "287.31", "", "Immune thrombocytopenic purpura"),
        ],
        "synonyms": "Immune thrombocytopenic purpura\nIdiopathic thrombocytopenic purpura\nWerlhof disease",
        "summary": (
            "A condition in which the immune system destroys platelets, the blood cells that help blood clot, "
            "so people bruise and bleed more easily."
        ),
        "overview": _html("""
            <p>Immune thrombocytopenia (ITP) happens when the immune system attacks your own platelets. Platelets
            are tiny pieces of cells that help your blood form clots and stop bleeding. In ITP, antibodies stick
            to the platelets and mark them for removal, mostly in the spleen, so the platelet count falls.</p>
            <p>With fewer platelets you may bruise easily, notice tiny red or purple dots on your skin
            (petechiae), or have nosebleeds, bleeding gums or heavy periods. Some people have very low counts but
            hardly any symptoms.</p>
            <h3>Children and adults</h3>
            <p>ITP affects both children and adults. In children it often follows a viral infection and clears up
            on its own within weeks to months. In adults it is more likely to last a long time, which doctors call
            chronic ITP.</p>
            <h3>How it is diagnosed</h3>
            <p>Doctors diagnose ITP with blood tests that count your platelets, and by ruling out other reasons
            for a low count.</p>"""),
        "treatment": _html("""
            <p>Not everyone with ITP needs treatment. Your care team looks at your platelet count, any bleeding,
            your age and your daily life before suggesting one.</p>
            <h3>First treatments</h3>
            <p>When platelets are very low or you are bleeding, the usual first treatments are corticosteroids
            (steroid medicines) and intravenous immunoglobulin (IVIG). IVIG raises platelets quickly, which makes
            it useful before surgery or during a bleed, but the effect wears off within days to weeks.</p>
            <h3>When ITP lasts or comes back</h3>
            <ul>
            <li>medicines that help the body make more platelets (thrombopoietin receptor agonists)</li>
            <li>rituximab, which lowers the number of cells that make antibodies</li>
            <li>fostamatinib, which makes platelets less likely to be destroyed</li>
            <li>in some cases, an operation to remove the spleen (splenectomy)</li>
            </ul>
            <p>Talk with your care team about the benefits and drawbacks of each option for you.</p>"""),
        # With few platelets a bleed can be hard to stop, and bleeding inside the head or gut may show only by
        # these signs: the page's "Get help now" card.
        "immediate_signs": "\n".join(
            [
                "Bleeding that will not stop, even after pressing on it firmly",
                "A bad headache after a knock to the head, or a sudden, severe headache",
                "Sudden confusion, drowsiness, blurred or double vision, or weakness on one side of the body",
                "Vomiting blood, or coughing up blood",
            ]
        ),
        "urgent_signs": "\n".join(
            [
                "Blood in your urine: pink, red or brown urine",
                "Blood in your stool, or black, sticky stools",
                "A nosebleed or bleeding gums that last much longer than usual or keep coming back",
                "Lots of new bruises, or new tiny red or purple spots on your skin, without a reason",
                "A period that is much heavier than usual",
            ]
        ),
    },
    {
        "name": "Thrombotic thrombocytopenic purpura",
        "abbreviation": "TTP",
        "slug": "ttp",
        "codes": [
            (ICD10CM, "M31.1", "", "Thrombotic microangiopathy"),
            (SNOMED, "78129009", "", "Thrombotic thrombocytopenic purpura"),
            (ICD9CM, "446.6", "", "Thrombotic microangiopathy"),
        ],
        "summary": (
            "A rare, serious blood disorder in which small clots form throughout the body, using up platelets and "
            "putting organs at risk."
        ),
        "overview": _html("""
            <p>In thrombotic thrombocytopenic purpura (TTP), tiny blood clots form in small blood vessels all over
            the body. This uses up platelets and can harm the brain, heart and kidneys. Most cases in adults
            happen because the immune system attacks ADAMTS13, an enzyme that normally keeps clotting in check.
            A rarer form runs in families.</p>"""),
        "treatment": _html("""
            <p>TTP is a medical emergency and is treated in hospital. Immune TTP is usually treated with plasma
            exchange and corticosteroids, often together with caplacizumab or rituximab. IVIG is not a standard
            treatment for TTP.</p>"""),
    },
    {
        "name": "Von Willebrand disease",
        "abbreviation": "VWD",
        "slug": "von-willebrand-disease",
        "codes": [
            (ICD10CM, "D68.0", "", "Von Willebrand disease"),
            (SNOMED, "128105004", "", "Von Willebrand disorder"),
            (ICD9CM, "286.4", "", "Von Willebrand's disease"),
        ],
        "summary": (
            "The most common inherited bleeding disorder, caused by too little or poorly working von Willebrand "
            "factor, a protein that helps blood clot."
        ),
        "overview": _html("""
            <p>Von Willebrand factor helps platelets stick to a damaged blood vessel and protects another clotting
            protein, factor VIII. When there is too little of it, or it does not work well, people may have
            nosebleeds, bleeding gums, easy bruising, heavy periods, or heavy bleeding after surgery or dental
            work.</p>"""),
        "treatment": _html("""
            <p>Many people need treatment only before a procedure or when they bleed. Options include desmopressin,
            which releases the body’s own stored von Willebrand factor, factor concentrates given into a vein, and
            medicines such as tranexamic acid that help clots hold.</p>"""),
    },
    {
        "name": "Hemophilia A",
        "abbreviation": "",
        "slug": "hemophilia-a",
        "codes": [
            (ICD10CM, "D66", "", "Hereditary factor VIII deficiency"),
            (SNOMED, "28293008", "", "Hereditary factor VIII deficiency disease"),
            (ICD9CM, "286.0", "", "Congenital factor VIII disorder"),
        ],
        "synonyms": "Haemophilia A\nFactor VIII deficiency\nClassic hemophilia",
        "summary": (
            "An inherited bleeding disorder in which the blood lacks enough clotting factor VIII, so bleeding "
            "lasts longer than normal."
        ),
        "overview": _html("""
            <p>Hemophilia A is caused by a change in the gene for clotting factor VIII. The gene sits on the X
            chromosome, so hemophilia A mostly affects boys and men. People bleed for longer after injuries or
            surgery, and in more severe forms bleeding can start inside joints and muscles without an obvious
            cause.</p>"""),
        "treatment": _html("""
            <p>Treatment either replaces the missing factor VIII or uses other medicines, such as emicizumab, that
            help the blood clot. It can be given to stop a bleed, or regularly to prevent bleeds.</p>"""),
    },
    {
        "name": "Primary immunodeficiency",
        "abbreviation": "PI",
        "slug": "primary-immunodeficiency",
        # D80–D84: immunodeficiency with predominantly antibody defects (D80), combined (D81), with other major
        # defects (D82), common variable (D83) and other immunodeficiencies (D84).
        "codes": [
            (ICD10CM, "D80", "D84", ""),
            (ICD9CM, "279.0", "", "Deficiency of humoral immunity"),
            (ICD9CM, "279.2", "", "Combined immunity deficiency"),
            (ICD9CM, "279.3", "", "Unspecified immunity deficiency"),
        ],
        "synonyms": "Primary immune deficiency\nInborn error of immunity",
        "summary": (
            "A large group of conditions, mostly inherited, in which part of the immune system is missing or does "
            "not work properly, so infections happen more often."
        ),
        "overview": _html("""
            <p>Primary immunodeficiency (PI) is the name for more than 400 conditions in which part of the immune
            system is missing or does not work as it should. Most are caused by changes in genes and are present
            from birth, although some are not found until adulthood.</p>
            <p>People with PI tend to get infections more often than other people. The infections may be more
            severe, last longer or be harder to treat. Repeated ear, sinus and chest infections are common
            examples. Some forms of PI also make autoimmune problems more likely.</p>
            <h3>Antibody deficiencies</h3>
            <p>In many types of PI the body cannot make enough working antibodies, the proteins that help the
            immune system recognize germs. These are the types most often treated with immunoglobulin.</p>"""),
        "treatment": _html("""
            <p>Treatment aims to prevent infections and to treat them quickly when they happen.</p>
            <ul>
            <li><strong>Immunoglobulin replacement.</strong> People who do not make enough working antibodies
            often receive donated antibodies for life, either into a vein (IVIG), usually every three to four
            weeks, or under the skin (SCIG), usually every week or two.</li>
            <li><strong>Antibiotics</strong> to treat infections, and sometimes to prevent them.</li>
            <li><strong>Stem cell transplantation</strong>, which can rebuild the immune system in some severe
            forms, such as severe combined immunodeficiency (SCID).</li>
            </ul>
            <p>Your immunologist will explain which options fit your type of PI.</p>"""),
    },
    {
        "name": "Chronic inflammatory demyelinating polyneuropathy",
        "abbreviation": "CIDP",
        "slug": "cidp",
        "codes": [
            (ICD10CM, "G61.81", "", "Chronic inflammatory demyelinating polyneuritis"),
            (SNOMED, "128209004", "", "Chronic inflammatory demyelinating polyradiculoneuropathy"),
            (ICD9CM, "357.81", "", "Chronic inflammatory demyelinating polyneuritis"),
        ],
        "summary": (
            "A long-lasting nerve condition in which the immune system damages the protective coating of nerves, "
            "causing weakness and numbness in the arms and legs."
        ),
        "overview": _html("""
            <p>In chronic inflammatory demyelinating polyneuropathy (CIDP), the immune system damages myelin, the
            coating that helps signals travel along the nerves outside the brain and spinal cord. Weakness,
            tingling and numbness build up over at least two months, and may keep getting worse or come and
            go.</p>"""),
        "treatment": _html("""
            <p>Common treatments are immunoglobulin (IVIG or SCIG), corticosteroids and plasma exchange. Many
            people need ongoing treatment, and the dose is adjusted over time to the lowest one that keeps
            symptoms under control.</p>"""),
    },
    {
        "name": "Multifocal motor neuropathy",
        "abbreviation": "MMN",
        "slug": "mmn",
        "codes": [(ICD10CM, "G61.82", "", "Multifocal motor neuropathy")],
        "summary": (
            "A rare nerve condition that causes slowly worsening muscle weakness, usually in the hands and arms, "
            "while feeling stays normal."
        ),
        "overview": _html("""
            <p>In multifocal motor neuropathy (MMN), the immune system affects the nerves that control muscles.
            Weakness often starts in one hand or arm and slowly spreads. Unlike many other nerve conditions,
            feeling in the skin usually stays normal.</p>"""),
        "treatment": _html("""
            <p>IVIG is the main treatment for MMN, and many people receive it regularly for years. Corticosteroids
            and plasma exchange are usually not helpful, and steroids can make the weakness worse.</p>"""),
    },
    {
        "name": "Guillain-Barré syndrome",
        "abbreviation": "GBS",
        "slug": "guillain-barre-syndrome",
        "codes": [
            (ICD10CM, "G61.0", "", "Guillain-Barre syndrome"),
            (SNOMED, "40956001", "", "Guillain-Barré syndrome"),
            (ICD9CM, "357.0", "", "Acute infective polyneuritis"),
        ],
        "summary": (
            "A sudden condition in which the immune system attacks the nerves, causing weakness that spreads over "
            "days and often needs hospital care."
        ),
        "overview": _html("""
            <p>Guillain-Barré syndrome (GBS) often starts a few weeks after an infection, such as a stomach bug or
            a cold. Tingling and weakness usually begin in the feet and legs and can spread upward over days to
            weeks. In severe cases the muscles used for breathing are affected.</p>"""),
        "treatment": _html("""
            <p>GBS is treated in hospital. IVIG and plasma exchange both help people recover, and they work about
            equally well. Most people get better over weeks to months, although some are left with weakness or
            tiredness.</p>"""),
    },
]

RELATED_CONDITIONS = [
    ("itp", "ttp"),
    ("itp", "von-willebrand-disease"),
    ("itp", "primary-immunodeficiency"),
    ("von-willebrand-disease", "hemophilia-a"),
    ("cidp", "guillain-barre-syndrome"),
    ("cidp", "mmn"),
    ("mmn", "guillain-barre-syndrome"),
]

# --- Contributors (invented people) ----------------------------------------------------------------------------

CONTRIBUTORS = [
    {
        "name": "Maren Holt",
        "slug": "maren-holt",
        "credentials": "PhD",
        "is_writer": True,
        "affiliation": "Health writer, IVIG Patient Guide",
        "disclosures": "None.",
        "bio": _html("""
            <p>Maren is a science writer with a doctorate in cell biology. She has spent more than ten years
            explaining blood disorders and immune conditions to patients and their families.</p>"""),
    },
    {
        "name": "Elise Varga",
        "slug": "elise-varga",
        "credentials": "MS",
        "is_writer": True,
        "affiliation": "Health writer, IVIG Patient Guide",
        "disclosures": "None.",
        "bio": _html("""
            <p>Elise writes about neurology and rare diseases. Before joining us she worked on clinical studies
            of nerve conditions.</p>"""),
    },
    {
        "name": "Tomás Reyes",
        "slug": "tomas-reyes",
        "languages": ["en", "es"],
        "credentials": "PharmD",
        "is_fact_checker": True,
        "affiliation": "Infusion pharmacist, Lakeside Community Hospital",
        "disclosures": "None.",
        "bio": _html("""
            <p>Tomás is a pharmacist who checks every article against its sources before it is published. He has a
            special interest in medicines made from donated blood and in infusion therapy.</p>"""),
    },
    {
        "name": "Priya Raman",
        "slug": "priya-raman",
        "credentials": "MD",
        "is_medical_reviewer": True,
        "on_expert_board": True,
        "affiliation": "Consultant hematologist, Harbourview University Hospital",
        "disclosures": (
            "Took part, as a site investigator, in a clinical trial of an immunoglobulin product; the trial sponsor "
            "paid her hospital, not her. No personal payments from manufacturers."
        ),
        "bio": _html("""
            <p>Dr. Raman is a hematologist who cares for adults with bleeding and clotting disorders. She reviews
            our articles on blood conditions.</p>"""),
    },
    {
        "name": "Jonah Whitfield",
        "slug": "jonah-whitfield",
        "credentials": "MD",
        "is_medical_reviewer": True,
        "on_expert_board": True,
        "affiliation": "Neurologist, Northfield Neuromuscular Clinic",
        "disclosures": "Was paid for one talk at a patient-group meeting sponsored by a plasma-product maker in 2024.",
        "bio": _html("""
            <p>Dr. Whitfield is a neurologist who treats people with nerve and muscle conditions, including many
            who receive immunoglobulin. He reviews our articles on neurology.</p>"""),
    },
]

# Each invented person gets an invented face: an abstract portrait with their initials, drawn at load time.
PORTRAIT_COLOURS = [("#0f5f73", "#7cc4cf"), ("#5b3a82", "#c3a6e6"), ("#7a4b12", "#f0c27a"), ("#1f6b3a", "#9bd8a7")]
PORTRAIT_SIZE = 320


def portrait(name):
    """A PNG portrait for ``name``: head and shoulders in outline, the initials on them, colours from the name."""
    from io import BytesIO

    from django.core.files.base import ContentFile
    from PIL import Image, ImageDraw, ImageFont

    background, figure = PORTRAIT_COLOURS[sum(map(ord, name)) % len(PORTRAIT_COLOURS)]
    size = PORTRAIT_SIZE
    image = Image.new("RGB", (size, size), background)
    draw = ImageDraw.Draw(image)
    draw.ellipse((size * 0.3, size * 0.14, size * 0.7, size * 0.54), fill=figure)  # head
    draw.ellipse((size * 0.1, size * 0.6, size * 0.9, size * 1.3), fill=figure)  # shoulders
    initials = "".join(part[0] for part in name.split()[:2]).upper()
    try:
        font = ImageFont.load_default(size=size // 6)
    except (TypeError, OSError):  # a Pillow without FreeType: the small bitmap font still shows them
        font = ImageFont.load_default()
    draw.text((size / 2, size * 0.86), initials, fill=background, font=font, anchor="mm")
    data = BytesIO()
    image.save(data, "PNG", optimize=True)
    return ContentFile(data.getvalue(), name="portrait.png")


def with_portrait(person):
    initials = "".join(part[0] for part in person["name"].split()[:2]).upper()
    return {
        **person,
        "photo": portrait(person["name"]),
        "photo_alt": f"Illustrated portrait of {person['name']}: a head-and-shoulders outline with the initials "
        f"{initials}.",
    }


# --- Side effects ----------------------------------------------------------------------------------------------

MILD, SERIOUS = SideEffect.Seriousness.MILD, SideEffect.Seriousness.SERIOUS
DURING, DELAYED = SideEffect.Onset.DURING, SideEffect.Onset.DELAYED
URGENT, IMMEDIATE = SideEffect.CareLevel.URGENT, SideEffect.CareLevel.IMMEDIATE

SIDE_EFFECTS = [
    {
        "name": "Headache",
        "slug": "headache",
        "seriousness": MILD,
        "onset": DURING,
        "description": (
            "A dull or throbbing ache in the head. It is one of the most common reactions to IVIG and can start "
            "during the infusion or in the day or two after it."
        ),
        "what_helps": (
            "A slower infusion and drinking plenty of fluids before and after. Your care team may suggest taking "
            "acetaminophen or an antihistamine before the infusion."
        ),
        "when_to_seek_help": (
            "Call your care team the same day if the headache is severe, does not ease with your usual pain "
            "relief, or comes with a stiff neck, fever, vomiting or eyes that hurt in bright light."
        ),
    },
    {
        "name": "High blood pressure",
        "slug": "high-blood-pressure",
        "seriousness": MILD,
        "onset": DURING,
        "description": (
            "A rise in blood pressure during the infusion. Most people cannot feel it, which is why the nurse "
            "checks your blood pressure regularly while you are being treated."
        ),
        "what_helps": (
            "Slowing the infusion usually brings it back down. Let your care team know beforehand if you already "
            "have high blood pressure."
        ),
        "when_to_seek_help": (
            "Tell the nurse straight away if you get a sudden severe headache, blurred vision or chest pain."
        ),
    },
    {
        "name": "Fever",
        "slug": "fever",
        "seriousness": MILD,
        "onset": DURING,
        "description": (
            "A raised temperature, sometimes with flushing or feeling hot, during or a few hours after the infusion."
        ),
        "what_helps": "Slowing or pausing the infusion, and sometimes acetaminophen before or during treatment.",
        "when_to_seek_help": (
            "Call your care team if the fever lasts after you get home or comes with a severe headache or stiff "
            "neck. A fever can also be a sign of infection, so mention it if you feel generally unwell."
        ),
    },
    {
        "name": "Chills",
        "slug": "chills",
        "seriousness": MILD,
        "onset": DURING,
        "description": "Feeling cold and shivery, sometimes with shaking, often together with a fever.",
        "what_helps": (
            "A slower infusion, a warm blanket, and any medicines your care team gives you before the infusion."
        ),
        "when_to_seek_help": (
            "Tell the nurse if the shaking is strong or comes with trouble breathing, a rash or dizziness."
        ),
    },
    {
        "name": "Nausea or vomiting",
        "slug": "nausea-or-vomiting",
        "seriousness": MILD,
        "onset": DURING,
        "description": "Feeling sick to your stomach, and sometimes throwing up, during or soon after the infusion.",
        "what_helps": (
            "A slower infusion, a light meal beforehand and sipping fluids. Your care team can offer anti-sickness "
            "medicine if it keeps happening."
        ),
        "when_to_seek_help": (
            "Call your care team if you cannot keep fluids down, or if vomiting comes with a severe headache or a "
            "stiff neck."
        ),
    },
    {
        "name": "Muscle aches",
        "slug": "muscle-aches",
        "seriousness": MILD,
        "onset": DURING,
        "description": (
            "Sore or aching muscles, or a general achy, flu-like feeling. Some people also have back or joint pain."
        ),
        "what_helps": (
            "Slowing the infusion, drinking enough fluids, and a simple pain reliever such as acetaminophen if "
            "your care team agrees."
        ),
        "when_to_seek_help": (
            "Call your care team if the pain is severe or lasts more than a couple of days, or if you notice dark "
            "urine."
        ),
    },
    {
        "name": "Aseptic meningitis",
        "slug": "aseptic-meningitis",
        "seriousness": SERIOUS,
        "onset": DELAYED,
        "description": (
            "Swelling of the thin layers that cover the brain and spinal cord, not caused by an infection. It brings "
            "a severe headache, a stiff neck, fever, feeling sick and discomfort in bright light. It usually starts "
            "within a day or two of an infusion and settles over several days."
        ),
        "risk_factors": "High doses and fast infusions make it more likely, and so does a history of migraine.",
        "what_helps": (
            "A slower infusion rate may lower the risk. If it has happened before, your care team may change your "
            "dose, your product or the medicines you take first."
        ),
        "care_level": URGENT,
        "warning_signs": (
            "A severe headache with a stiff neck\nFever or vomiting with a headache\nEyes that hurt in bright light"
        ),
        "when_to_seek_help": (
            "Contact your care team straight away, or get urgent care, if you have a severe headache with a stiff "
            "neck, fever, vomiting or sensitivity to light after an infusion."
        ),
    },
    {
        "name": "Hemolysis",
        "slug": "hemolysis",
        "seriousness": SERIOUS,
        "onset": DELAYED,
        "description": (
            "Red blood cells break down faster than the body can replace them, which can lead to anemia (a low red "
            "blood cell count). It usually shows up in the days after an infusion."
        ),
        "risk_factors": "High doses, and having blood group A, B or AB.",
        "what_helps": "Your care team may check your blood count in the days after treatment.",
        "care_level": URGENT,
        "warning_signs": (
            "Dark or reddish-brown urine\n"
            "Yellow skin or yellow whites of the eyes\n"
            "Unusual tiredness, a fast heartbeat or shortness of breath"
        ),
        "when_to_seek_help": (
            "Call your care team if you notice dark or reddish-brown urine, yellow skin or eyes, unusual tiredness, "
            "a fast heartbeat or shortness of breath."
        ),
    },
    {
        "name": "Kidney problems",
        "slug": "kidney-problems",
        "seriousness": SERIOUS,
        "onset": DELAYED,
        "description": (
            "Rarely, IVIG affects how well the kidneys work, and in very rare cases it leads to kidney failure. "
            "Problems usually appear within a few days of an infusion."
        ),
        "risk_factors": (
            "Kidney disease or diabetes, being over 65, not drinking enough, taking medicines that affect the "
            "kidneys, and products that contain sucrose."
        ),
        "what_helps": (
            "Drinking enough fluid before infusions, a slower rate, and blood tests of kidney function when your "
            "care team advises them."
        ),
        "care_level": URGENT,
        "warning_signs": (
            "Passing much less urine than usual\n"
            "Swelling in the legs, ankles or around the eyes\n"
            "Sudden weight gain, or feeling unusually tired or short of breath"
        ),
        "when_to_seek_help": (
            "Call your care team if you pass much less urine than usual, have swelling in your legs, ankles or "
            "around your eyes, gain weight suddenly, or feel unusually tired or short of breath."
        ),
    },
    {
        "name": "Blood clots",
        "slug": "blood-clots",
        "seriousness": SERIOUS,
        "onset": DELAYED,
        "description": (
            "A clot that blocks a vein or an artery. Clots in the legs or lungs, heart attacks and strokes have all "
            "been reported with immunoglobulin treatment, though they are rare."
        ),
        "risk_factors": (
            "Older age, an earlier clot, long periods without moving, medicines containing estrogen, heart disease "
            "and thick blood. Your care team weighs your own risk before treatment."
        ),
        "what_helps": "Drinking enough fluids, keeping active and a slower infusion.",
        "care_level": IMMEDIATE,
        "warning_signs": (
            "Chest pain or sudden shortness of breath\n"
            "Sudden weakness or numbness, a drooping face or trouble speaking\n"
            "Pain, warmth or swelling in one arm or leg"
        ),
        "when_to_seek_help": (
            "Call emergency services for chest pain, sudden shortness of breath, or sudden weakness, numbness, a "
            "drooping face or trouble speaking. Contact your care team quickly about pain, warmth or swelling in "
            "one arm or leg."
        ),
    },
    {
        "name": "Severe allergic reaction (anaphylaxis)",
        "slug": "anaphylaxis",
        "seriousness": SERIOUS,
        "onset": DURING,
        "description": (
            "A sudden, serious allergic reaction that affects the whole body. It is rare and usually happens soon "
            "after the infusion starts."
        ),
        "risk_factors": "Lacking a type of antibody called IgA and having antibodies against it.",
        "what_helps": (
            "The infusion is stopped at once. The team gives emergency medicines such as epinephrine and an "
            "antihistamine such as diphenhydramine, and calls emergency services if the reaction does not settle."
        ),
        "when_to_seek_help": (
            "Get help immediately for trouble breathing or swallowing, wheezing, swelling of the lips, tongue or "
            "throat, hives spreading over the body, feeling faint, or a racing heartbeat. If it happens at home, "
            "call emergency services."
        ),
        "care_level": IMMEDIATE,
        "warning_signs": (
            "Trouble breathing or swallowing, or wheezing\n"
            "Swelling of the lips, tongue or throat\n"
            "Hives spreading over the body\n"
            "Feeling faint, or a racing heartbeat"
        ),
    },
]

MILD_SIDE_EFFECTS = [effect["slug"] for effect in SIDE_EFFECTS if effect["seriousness"] == MILD]
SERIOUS_SIDE_EFFECTS = [effect["slug"] for effect in SIDE_EFFECTS if effect["seriousness"] == SERIOUS]

# --- Products --------------------------------------------------------------------------------------------------

# US (FDA) approvals only: the seed article lists these brands as approved for ITP in the United States. A year is
# given only where the product's FDA approval history is certain (first approval of the product, or of the later
# indication); elsewhere it stays empty rather than guessed. Checked against public records on 2026-12-03:
# Gamunex's label ("Initial U.S. Approval 2003"; CIDP indication added 09/2008), Privigen (PI and chronic ITP
# 2007, CIDP September 2017) and Panzyga (PI and chronic ITP 2018, CIDP February 2021).
PRODUCTS = [
    {
        "brand_name": "Carimune NF",
        "slug": "carimune-nf",
        "nonproprietary_name": "immune globulin intravenous (human), nanofiltered",
        "manufacturer": "CSL Behring",
        "concentration": "3% to 12% once mixed",
        "notes": (
            "A freeze-dried powder that is mixed with sterile fluid just before the infusion, so the strength can "
            "be adjusted. It contains sucrose, a sugar that has been linked to a higher risk of kidney problems "
            "with IVIG."
        ),
        "approvals": [("itp", None), ("primary-immunodeficiency", None)],
    },
    {
        "brand_name": "Flebogamma DIF",
        "slug": "flebogamma-dif",
        "nonproprietary_name": "immune globulin intravenous (human), 5% and 10% liquid",
        "manufacturer": "Grifols",
        "concentration": "5% and 10%",
        "notes": (
            "A ready-to-use liquid in two strengths. In the US the 10% strength is the one approved for chronic "
            "ITP; both strengths are approved for primary immunodeficiency."
        ),
        "approvals": [("itp", None), ("primary-immunodeficiency", None)],
    },
    {
        "brand_name": "Gammaked",
        "slug": "gammaked",
        "nonproprietary_name": "immune globulin injection (human), 10% caprylate/chromatography purified",
        "manufacturer": "Kedrion Biopharma",
        "concentration": "10%",
        "notes": "A ready-to-use liquid, so nothing needs to be mixed before the infusion.",
        "approvals": [("itp", None), ("primary-immunodeficiency", None), ("cidp", None)],
    },
    {
        "brand_name": "Gammaplex",
        "slug": "gammaplex",
        "nonproprietary_name": "immune globulin intravenous (human), 5% and 10% liquid",
        "manufacturer": "Bio Products Laboratory",
        "concentration": "5% and 10%",
        "notes": "A ready-to-use liquid in two strengths.",
        "approvals": [("itp", None), ("primary-immunodeficiency", None)],
    },
    {
        "brand_name": "Gamunex-C",
        "slug": "gamunex-c",
        "nonproprietary_name": "immune globulin injection (human), 10% caprylate/chromatography purified",
        "manufacturer": "Grifols",
        "concentration": "10%",
        "notes": "A ready-to-use liquid. For primary immunodeficiency it can also be given under the skin.",
        "approvals": [("itp", 2003), ("primary-immunodeficiency", 2003), ("cidp", 2008)],
    },
    {
        "brand_name": "Octagam",
        "slug": "octagam",
        "nonproprietary_name": "immune globulin intravenous (human), 5% and 10% liquid",
        "manufacturer": "Octapharma",
        "concentration": "5% and 10%",
        "notes": (
            "A ready-to-use liquid in two strengths. In the US the 10% strength is approved for chronic ITP in "
            "adults and the 5% strength for primary immunodeficiency."
        ),
        "approvals": [("itp", None), ("primary-immunodeficiency", None)],
    },
    {
        "brand_name": "Panzyga",
        "slug": "panzyga",
        "nonproprietary_name": "immune globulin intravenous-ifas (human), 10% liquid",
        "manufacturer": "Octapharma",
        "concentration": "10%",
        "notes": "A ready-to-use liquid, so nothing needs to be mixed before the infusion.",
        "approvals": [("itp", 2018), ("primary-immunodeficiency", 2018), ("cidp", 2021)],
    },
    {
        "brand_name": "Privigen",
        "slug": "privigen",
        "nonproprietary_name": "immune globulin intravenous (human), 10% liquid",
        "manufacturer": "CSL Behring",
        "concentration": "10%",
        "notes": "A ready-to-use liquid that is stored at room temperature.",
        "approvals": [("itp", 2007), ("primary-immunodeficiency", 2007), ("cidp", 2017)],
    },
]

# --- Sources ---------------------------------------------------------------------------------------------------

ACCESSED_ON = datetime.date(2025, 4, 10)
JOURNAL, WEB_PAGE = Source.Kind.JOURNAL_ARTICLE, Source.Kind.WEB_PAGE

# In the order the IVIG therapy article cites them.
SOURCES = {
    "uptodate-ivig-2023": {
        "kind": WEB_PAGE,
        "authors": [],
        "title": "Patient education: intravenous immune globulin (IVIG) (beyond the basics)",
        "publication": "UpToDate",
        "publisher": "Wolters Kluwer",
        "year": 2023,
        "published_on": datetime.date(2023, 2, 13),
        "url": "https://www.uptodate.com/contents/intravenous-immune-globulin-ivig-beyond-the-basics",
        "accessed_on": ACCESSED_ON,
    },
    "medlineplus-immune-response-2022": {
        "kind": WEB_PAGE,
        "authors": [],
        "title": "Immune response",
        "publication": "MedlinePlus",
        "publisher": "National Library of Medicine",
        "year": 2022,
        "published_on": datetime.date(2022, 1, 23),
        "url": "https://medlineplus.gov/ency/article/000821.htm",
        "accessed_on": ACCESSED_ON,
    },
    "hooper-2008": {
        "kind": JOURNAL,
        "authors": [("Hooper", "JA")],
        "title": "Intravenous immunoglobulins: evolution of commercial IVIG preparations",
        "publication": "Immunol Allergy Clin North Am",
        "year": 2008,
        "volume": "28",
        "issue": "4",
        "pages": "765-778",
        "doi": "10.1016/j.iac.2008.06.002",
    },
    "perez-2017": {
        "kind": JOURNAL,
        "authors": [("Perez", "EE"), ("Orange", "JS"), ("Bonilla", "F")],
        "has_more_authors": True,
        "title": "Update on the use of immunoglobulin in human disease: a review of evidence",
        "publication": "J Allergy Clin Immunol",
        "year": 2017,
        "volume": "139",
        "issue": "3S",
        "pages": "S1-S46",
        "doi": "10.1016/j.jaci.2016.09.023",
    },
    "cdc-primary-immunodeficiency": {
        "kind": WEB_PAGE,
        "authors": [],
        "title": "Primary Immunodeficiency (PI)",
        "publication": "CDC",
        "publisher": "Centers for Disease Control and Prevention",
        "url": "https://www.cdc.gov/genomics/disease/primary_immunodeficiency.htm",
        "accessed_on": ACCESSED_ON,
    },
    "jusufovic-2018": {
        "kind": JOURNAL,
        "authors": [("Jusufović", "E"), ("Sinanović", "O")],
        "has_more_authors": True,
        "title": "Multifocal motor neuropathy: case reports",
        "publication": "Acta Clin Croat",
        "year": 2018,
        "volume": "57",
        "issue": "3",
        "pages": "581-587",
    },
    "guo-2018": {
        "kind": JOURNAL,
        "authors": [("Guo", "Y"), ("Tian", "X")],
        "has_more_authors": True,
        "title": "Adverse effects of immunoglobulin therapy",
        "publication": "Front Immunol",
        "year": 2018,
        "volume": "9",
        "pages": "1299",
        "doi": "10.3389/fimmu.2018.01299",
    },
    "kaveri-2011": {
        "kind": JOURNAL,
        "authors": [("Kaveri", "SV"), ("Maddur", "MS"), ("Hegde", "P"), ("Lacroix-Desmazes", "S"), ("Bayry", "J")],
        "title": "Intravenous immunoglobulins in immunodeficiencies: more than mere replacement therapy",
        "publication": "Clin Exp Immunol",
        "year": 2011,
        "volume": "164",
        "issue": "Suppl 2",
        "pages": "2-5",
        "doi": "10.1111/j.1365-2249.2011.04387.x",
    },
    "perez-2021": {
        "kind": JOURNAL,
        "authors": [("Perez", "EE"), ("Hébert", "J")],
        "has_more_authors": True,
        "title": (
            "Efficacy, safety and tolerability of a new 10% intravenous immunoglobulin for the treatment of "
            "primary immunodeficiencies"
        ),
        "publication": "Front Immunol",
        "year": 2021,
        "volume": "12",
        "pages": "707463",
        "doi": "10.3389/fimmu.2021.707463",
    },
    "allen-2020": {
        "kind": JOURNAL,
        "authors": [("Allen", "JA"), ("Gelinas", "DF")],
        "has_more_authors": True,
        "title": "Immunoglobulin administration for the treatment of CIDP: IVIG or SCIG?",
        "publication": "J Neurol Sci",
        "year": 2020,
        "volume": "408",
        "pages": "116497",
        "doi": "10.1016/j.jns.2019.116497",
    },
    "zahavi-2020": {
        "kind": JOURNAL,
        "authors": [("Zahavi", "D"), ("Weiner", "L")],
        "title": "Monoclonal antibodies in cancer therapy",
        "publication": "Antibodies (Basel)",
        "year": 2020,
        "volume": "9",
        "issue": "3",
        "pages": "34",
        "doi": "10.3390/antib9030034",
    },
    "castagnoli-2019": {
        "kind": JOURNAL,
        "authors": [("Castagnoli", "R"), ("Delmonte", "OM"), ("Calzoni", "E"), ("Notarangelo", "LD")],
        "title": (
            "Hematopoietic Stem Cell Transplantation in Primary Immunodeficiency Diseases: Current Status and "
            "Future Perspectives"
        ),
        "publication": "Front Pediatr",
        "year": 2019,
        "published_on": datetime.date(2019, 8, 8),
        "volume": "7",
        "pages": "295",
    },
    "zaki-2023": {
        "kind": JOURNAL,
        "authors": [("Zaki", "HA"), ("Iftikhar", "H")],
        "has_more_authors": True,
        "title": (
            "Plasma exchange (PE) versus intravenous immunoglobulin (IVIG) for the treatment of Guillain-Barré "
            "syndrome (GBS) in patients with severe symptoms: A systematic review and meta-analysis"
        ),
        "publication": "eNeurologicalSci",
        "year": 2023,
        "volume": "31",
        "pages": "100468",
        "doi": "10.1016/j.ensci.2023.100468",
    },
    "shrestha-2019": {
        "kind": JOURNAL,
        "authors": [("Shrestha", "P"), ("Karmacharya", "P")],
        "has_more_authors": True,
        "title": (
            "Impact of IVIG vs. SCIG on IgG trough level and infection incidence in primary immunodeficiency "
            "diseases: A systematic review and meta-analysis of clinical studies"
        ),
        "publication": "World Allergy Organ J",
        "year": 2019,
        "volume": "12",
        "issue": "10",
        "pages": "100068",
        "doi": "10.1016/j.waojou.2019.100068",
    },
}

# --- Articles --------------------------------------------------------------------------------------------------

ITP_ARTICLE_BODY = _html("""
<h2>What is IVIG?</h2>
<p>IVIG stands for intravenous immunoglobulin. It is a medicine made of antibodies, the proteins your immune system
uses to recognize germs. “Intravenous” means it goes straight into a vein through a drip, so it reaches your
bloodstream quickly. [cite:perez-2017]</p>
<p>The antibodies in IVIG are mostly of one type, called immunoglobulin G or IgG. They come from plasma, the liquid
part of blood, given by healthy donors. Each batch pools the plasma of a very large number of people, somewhere
between 1,000 and 100,000, which is then purified and concentrated. Doctors have used IVIG for more than 40
years. [cite:hooper-2008]</p>
<h2>How IVIG helps in ITP</h2>
<p>Platelets are tiny pieces of cells in your blood. They gather wherever a blood vessel is damaged and help plug
it, so a cut stops bleeding. In immune thrombocytopenia (ITP), the immune system wrongly treats your own platelets
as a threat. Antibodies stick to them, and immune cells called macrophages then clear them away, mainly in the
spleen. With fewer platelets, you may bruise easily or bleed more than usual.</p>
<p>Nobody knows exactly how IVIG works in ITP. The leading idea is that the donated antibodies fill up the
“docking sites” on macrophages, known as Fc receptors. While those sites are busy, the macrophages are less able
to catch platelets that are coated with antibodies, so more platelets survive.</p>
<h2>When is it used?</h2>
<p>IVIG is one of the first treatments doctors turn to for ITP, especially when platelets need to go up fast. It is
used for both children and adults, and it tends to work just as well, with similar side effects, at any age. It can
be given on its own or together with other medicines.</p>
<p>Your care team might suggest IVIG:</p>
<ul>
<li>when your platelet count is very low and the risk of serious bleeding is high</li>
<li>when you are already bleeding heavily</li>
<li>before an operation or another procedure, to bring your platelets up to a safer level</li>
<li>when corticosteroids (steroid medicines), another common first treatment, have not helped or are not a good
choice for you</li>
</ul>
<h2>Which products are used</h2>
<p>Several companies make IVIG, and each brand is prepared a little differently. In the United States, brands
approved for ITP include Carimune NF, Flebogamma DIF, Gammaked, Gammaplex, Gamunex-C, Octagam, Panzyga and
Privigen. Some come in more than one strength, and not every strength is approved for ITP. Your care team chooses a
product based on your needs and what is available.</p>
<h2>How it is given</h2>
<p>A nurse gives IVIG through a thin tube placed in a vein, usually at a hospital or infusion clinic. Each infusion
can take several hours, depending on the product and your dose. The drip usually starts slowly and is sped up if you
are feeling well.</p>
<p>For ITP, IVIG is normally a short course rather than a long-term treatment. There are two common patterns:</p>
<ul>
<li>a higher dose over one or two days</li>
<li>a lower dose spread over as many as five days</li>
</ul>
<p>Your exact dose depends on the product, your weight, how severe your ITP is and how likely you are to have side
effects.</p>
<h2>How well it works</h2>
<p>IVIG helps most people with ITP. Roughly 70 to 80 out of every 100 people see their platelet count rise, usually
within a few days. [cite:perez-2017]</p>
<p>The boost does not last, though. Platelet counts often start to fall again within days to a few weeks. That is why
IVIG is often used to get through a risky time, such as a bleed or an operation. Many people need another dose later,
or a different treatment to keep their platelets steady in the long run. Your care team will check your blood counts
to see how you respond.</p>
<h2>Living with the side effects</h2>
<p>Most people cope well with IVIG. Side effects are usually mild and come during the infusion or soon after it; a
few are rare but serious. [cite:guo-2018] A nurse keeps an eye on you throughout the infusion, so tell them at once if
anything feels wrong. Each side effect is described on this page, and “Get help now” lists the signs that need help
fast, during the infusion or in the days after.</p>
<h2>Questions to ask your care team</h2>
<ul>
<li>Why do you think IVIG is right for me now?</li>
<li>How many days will my course take, and how long is each infusion?</li>
<li>Should I take anything before my infusion?</li>
<li>Which symptoms afterwards mean I should call you?</li>
<li>What is the plan if my platelets drop again?</li>
</ul>""")

IVIG_THERAPY_ARTICLE_BODY = _html("""
<h2>What IVIG is</h2>
<p>Intravenous immunoglobulin (IVIG) is a medicine that gives you antibodies, the proteins your immune system uses
against germs, from other people. [cite:uptodate-ivig-2023, medlineplus-immune-response-2022] It is made from
plasma, the liquid part of blood, donated by thousands of healthy people. The antibodies are separated out, purified
and made into a liquid that is dripped into a vein. Because it comes from human blood rather than from a chemical
recipe, IVIG is known as a biologic. [cite:hooper-2008]</p>
<h2>How antibodies protect you</h2>
<p>Your immune system protects you from things it sees as foreign, such as bacteria, viruses and toxins. Doctors
call these outside substances antigens. One of the immune system’s main tools against them is a family of proteins
called immunoglobulins, also known as antibodies. [cite:uptodate-ivig-2023, medlineplus-immune-response-2022]</p>
<p>Antibodies latch on to antigens. This marks them, so that other immune cells can find and destroy them. When your
body does not make enough working antibodies, or your immune system is not working as it should, you are more
likely to get infections and some other illnesses. Doctors describe this as being immunocompromised, or having an
immunodeficiency.</p>
<h2>What IVIG is used for</h2>
<p>IVIG works in two broad ways. For people who cannot make enough antibodies, it tops up the supply. For people whose
immune system is attacking their own body, larger doses help calm that attack. [cite:perez-2017] Conditions often
treated with IVIG include:</p>
<ul>
<li><strong>primary immunodeficiency (PI)</strong>, a group of mostly inherited conditions in which part of the
immune system is missing or does not work well [cite:cdc-primary-immunodeficiency]</li>
<li><strong>immune thrombocytopenia (ITP)</strong>, in which the immune system destroys platelets, the blood cells
that help blood clot</li>
<li><strong>chronic inflammatory demyelinating polyneuropathy (CIDP)</strong>, a long-lasting nerve condition that
causes weakness and numbness</li>
<li><strong>multifocal motor neuropathy (MMN)</strong>, a rare nerve condition that slowly weakens muscles, often in
the hands and arms [cite:jusufovic-2018]</li>
<li><strong>Guillain-Barré syndrome (GBS)</strong>, a sudden attack on the nerves that can make weakness spread
quickly</li>
</ul>
<p>IVIG is used for some other immune and nerve conditions too. Not every use is approved in every country, so ask
your specialist why it is being suggested for you.</p>
<h2>What to expect at an infusion</h2>
<p>You can have IVIG at a hospital or clinic, in a doctor’s office, or at home with a visiting nurse. Wherever it
happens, a trained health professional stays with you.</p>
<p>The nurse puts a thin tube called an IV line into a vein, usually in your arm. You may feel a quick sting as the
needle goes in, but after that the infusion should not hurt. The medicine then runs slowly from a bag or bottle
through the tube into your blood.</p>
<p>An infusion commonly lasts between one and four hours. The time depends on your dose, the product and how your
body handles it. Early infusions usually start at a slow rate. If you feel fine, the nurse speeds it up in steps,
about every 30 to 60 minutes. Once you have had several infusions without any problems, yours may take only one to
two hours.</p>
<p>How often you need IVIG depends on your condition. For many long-term conditions it is given every three to four
weeks, and many people keep having it for years. Because the doses are spaced out, treatment usually fits around
daily life.</p>
<p>Things many people find helpful on the day:</p>
<ul>
<li>drinking plenty of water before the infusion, unless your care team has asked you to limit fluids</li>
<li>wearing comfortable clothes with sleeves that roll up easily</li>
<li>bringing something to read, watch or listen to</li>
<li>asking beforehand whether you should take any medicines before you start</li>
</ul>
<h2>Side effects and getting help</h2>
<p>Most people handle IVIG well. When side effects happen, they are usually mild and show up early, within the first
30 to 60 minutes of the infusion, and they often settle when the nurse slows or pauses the drip. [cite:guo-2018]
Rarer reactions can come hours or days later. Each one is described on this page, serious ones first, and “Get help
now” lists the warning signs and what to do.</p>
<p>Along with the IVIG, your prescriber usually orders medicines to treat reactions, and home infusion nurses follow a
set plan. This normally means slowing or stopping the infusion, giving medicines such as epinephrine (an adrenaline
injection) or diphenhydramine (an antihistamine), letting your prescriber know, and calling emergency services if
the reaction does not settle.</p>
<h2>How well it works</h2>
<p>IVIG has a long track record. Many studies show that it is effective, safe and well tolerated, and for most
immunodeficiencies it is the standard treatment.</p>
<p>For people with primary immunodeficiency, regular IVIG raises antibody levels and helps prevent serious infections.
[cite:kaveri-2011] New products are tested this way too: in one study, people with PI received a new 10% IVIG product
every three to four weeks and were followed for a whole year to check how well it protected them and how well they
tolerated it. [cite:perez-2021]</p>
<p>In CIDP, a study compared IVIG with a placebo, a dummy infusion, given every three weeks. After 24 weeks, people who
had IVIG were more likely to have less disability than those who had the placebo. [cite:allen-2020] In Guillain-Barré
syndrome, IVIG and plasma exchange both help people recover, and reviews comparing them find they work about as well
as each other. In ITP, most people see their platelet count rise within days, although the effect usually wears off
after a few weeks.</p>
<h2>Alternatives</h2>
<p>IVIG is not right, or not available, for everyone. It is expensive, each infusion takes time and planning, and
because it depends on donated plasma, supplies sometimes run short. Depending on your condition, other options
include:</p>
<ul>
<li><strong>monoclonal antibodies</strong>, lab-made antibodies designed to act on one specific target in the
body [cite:zahavi-2020]</li>
<li><strong>stem cell transplantation</strong>, which can replace a faulty immune system in some types of primary
immunodeficiency [cite:castagnoli-2019]</li>
<li><strong>plasma exchange</strong>, which filters harmful antibodies out of the blood; it is an established
treatment for Guillain-Barré syndrome [cite:zaki-2023]</li>
<li><strong>subcutaneous immunoglobulin (SCIG)</strong>: antibodies given under the skin, often at home, in smaller
and more frequent doses [cite:shrestha-2019]</li>
</ul>
<p>Each option has its own benefits and risks. Your care team can help you weigh them up.</p>
<h2>Summary</h2>
<p>IVIG is a medicine made from antibodies collected from the plasma of thousands of healthy donors. It is dripped
into a vein to support an immune system that is too weak, or to calm one that is attacking the body. You can have
it at a clinic, in a doctor’s office or at home with a nurse, and an infusion usually takes a few hours. Most side
effects are mild and ease when the infusion is slowed, but a few rare reactions need quick attention. If you are
wondering whether IVIG could help you, talk to your care team.</p>""")

SCIG_ARTICLE_BODY = _html("""
<h2>What is SCIG?</h2>
<p>Subcutaneous immunoglobulin (SCIG) contains the same kind of donated antibodies as IVIG. The difference is where
it goes: instead of into a vein, it goes into the layer of fat just under the skin, usually on the belly or
thighs.</p>
<h2>How it is given</h2>
<p>Most people have smaller doses more often, commonly once a week or every two weeks. After training from a nurse,
many people, or someone in their family, give SCIG at home with a small pump or a syringe. Several needles may be
used at the same time in different places.</p>
<h2>Possible benefits</h2>
<p>Because the doses are smaller and closer together, antibody levels in the blood stay steadier between treatments.
[cite:shrestha-2019] Reactions that affect the whole body, such as headache or fever, are less common than with IVIG,
and there is no need for a drip in a vein. [cite:allen-2020]</p>
<h2>Things to consider</h2>
<p>Redness, swelling or itching where the needle goes in are common, and usually fade within a day or two. SCIG also
means more frequent treatments and getting comfortable with the equipment. Talk to your care team about whether it
could suit you.</p>""")

ARTICLES = [
    {
        "title": "IVIG for immune thrombocytopenia",
        "slug": "ivig-for-immune-thrombocytopenia",
        "kind": Article.Kind.TREATMENT_GUIDE,
        "status": Article.Status.PUBLISHED,
        "dek": (
            "How IVIG raises platelet counts in ITP, when your care team may suggest it, what an infusion involves "
            "and which side effects to look out for."
        ),
        "meta_description": (
            "IVIG for immune thrombocytopenia (ITP): how it works, when it is used, how it is given, how well it "
            "works and its side effects."
        ),
        "key_takeaways": _html("""
            <ul>
            <li>IVIG raises the platelet count in about 7 or 8 out of 10 people with ITP, usually within a few
            days.</li>
            <li>The effect is short-lived: platelets often fall again within days to weeks, so it is mostly used when
            the count must rise fast, such as for bleeding or before surgery.</li>
            <li>It is given as a drip into a vein over several hours, for one to five days.</li>
            <li>Most side effects are mild and ease with a slower drip and plenty of fluids; a few rare ones need help
            straight away.</li>
            </ul>"""),
        "body": ITP_ARTICLE_BODY,
        "author": "maren-holt",
        "fact_checker": "tomas-reyes",
        "published_at": datetime.datetime(2025, 2, 10, 9, 0, tzinfo=datetime.UTC),
        "last_updated": datetime.date(2025, 7, 21),
        "last_reviewed_on": datetime.date(2025, 7, 21),
        "next_review_due": datetime.date(2026, 7, 21),
        "funding_disclosure": "None.",
        "conflict_of_interest": "None.",
        "conditions": ["itp"],
        "products": [product["slug"] for product in PRODUCTS],
        "side_effects": MILD_SIDE_EFFECTS + SERIOUS_SIDE_EFFECTS,
        "citations": ["perez-2017", "hooper-2008", "guo-2018"],
    },
    {
        "title": "IVIG therapy: uses, infusion, side effects and effectiveness",
        "slug": "ivig-therapy",
        "kind": Article.Kind.THERAPY_GUIDE,
        "status": Article.Status.PUBLISHED,
        "dek": (
            "What IVIG is, which conditions it treats, what happens at an infusion, which side effects to watch for "
            "and what other options there are."
        ),
        "meta_description": (
            "A plain-language guide to IVIG therapy: what it is, what it treats, what an infusion is like, side "
            "effects, results and alternatives."
        ),
        "key_takeaways": _html("""
            <ul>
            <li>IVIG gives you antibodies from donated plasma: it tops up a missing immune defence or calms an immune
            system that attacks the body.</li>
            <li>An infusion usually takes one to four hours, often every three to four weeks, with a nurse
            present.</li>
            <li>Most side effects are mild, come early in the infusion and settle when it is slowed.</li>
            <li>Rare delayed reactions, such as a severe headache with a stiff neck or dark urine, need a call to your
            care team; trouble breathing or chest pain needs emergency help.</li>
            </ul>"""),
        "body": IVIG_THERAPY_ARTICLE_BODY,
        "author": "elise-varga",
        "fact_checker": "tomas-reyes",
        "published_at": datetime.datetime(2025, 4, 14, 9, 0, tzinfo=datetime.UTC),
        "last_updated": datetime.date(2025, 6, 30),
        "last_reviewed_on": datetime.date(2025, 6, 30),
        "next_review_due": datetime.date(2026, 12, 30),
        "funding_disclosure": "None.",
        "conflict_of_interest": "None.",
        "conditions": ["primary-immunodeficiency", "cidp", "mmn", "guillain-barre-syndrome", "itp"],
        "products": [product["slug"] for product in PRODUCTS],
        "side_effects": MILD_SIDE_EFFECTS + SERIOUS_SIDE_EFFECTS,
        "citations": list(SOURCES),
    },
    {
        "title": "Subcutaneous immunoglobulin at home",
        "slug": "subcutaneous-immunoglobulin-at-home",
        "kind": Article.Kind.THERAPY_GUIDE,
        "status": Article.Status.DRAFT,
        "dek": "How immunoglobulin given under the skin works, how people give it at home, and what to weigh up.",
        "key_takeaways": _html("""
            <ul>
            <li>Immunoglobulin can also be given under the skin, at home, once you have been trained.</li>
            <li>Doses are smaller and more frequent than with IVIG.</li>
            <li>Redness or swelling where the needle goes in is common and usually fades within a day or two.</li>
            </ul>"""),
        "body": SCIG_ARTICLE_BODY,
        "author": "maren-holt",
        "fact_checker": None,
        "published_at": None,
        "last_updated": None,
        "funding_disclosure": "None.",
        "conflict_of_interest": "None.",
        "conditions": ["primary-immunodeficiency", "cidp"],
        "products": [],
        "side_effects": [],
        "citations": ["shrestha-2019", "allen-2020"],
    },
]


# --- Site pages ------------------------------------------------------------------------------------------------

SITE_PAGES = [
    {
        "title": "Editorial policy",
        "slug": "editorial-policy",
        "summary": (
            "Who writes our articles, how every fact is checked, which sources we trust and how we stay independent."
        ),
        "footer_position": 10,
        "body": _html("""
            <h2>Who writes our articles</h2>
            <p>Our writers have a background in the life sciences or health care and write for patients and carers,
            not for specialists. Every article names its writer, and each writer has a profile page listing what
            they have written.</p>
            <h2>How we check the facts</h2>
            <p>Before an article is published, a fact-checker who did not write it checks every statement against the
            sources the article cites. The article shows who checked it and when. Clinicians and scientists on our
            medical expert board review articles in their field.</p>
            <h2>Which sources we use</h2>
            <p>We rely on peer-reviewed studies, clinical guidelines, regulators’ product information and the
            websites of public health bodies. Every article lists its sources, numbered, with links to the original
            where one exists.</p>
            <h2>Keeping articles up to date</h2>
            <p>Each article shows the date of its last update that matters to readers. We review articles regularly,
            and sooner when new evidence or a new product approval changes the advice.</p>
            <h2>Independence</h2>
            <p>Manufacturers do not pay for, see in advance or approve our articles. Each article states its funding
            and its authors’ and reviewers’ conflicts of interest.</p>"""),
    },
    {
        "title": "Corrections policy",
        "slug": "corrections-policy",
        "summary": "How to tell us about a mistake, and what we do about it.",
        "footer_position": 20,
        "body": _html("""
            <h2>Tell us about a mistake</h2>
            <p>Under every article, answer “No” to “Was this page helpful?” and choose “Report an error”. Tell us what
            is wrong and, if you can, where you read otherwise. Please do not include personal or health details.</p>
            <h2>What happens next</h2>
            <p>An editor reads every report. When a report is about a fact, a fact-checker checks it against the
            sources. If we got something wrong, we correct the article and update its “Last updated” date.</p>
            <h2>Serious errors</h2>
            <p>When a mistake could have affected someone’s care, we say at the top of the article what changed and
            when.</p>"""),
    },
    {
        "title": "Medical disclaimer",
        "slug": "disclaimer",
        "summary": "What this site can and cannot do for you.",
        "footer_position": 30,
        "body": _html("""
            <p>This site explains health topics in plain words so that you can understand your condition and your
            treatment and talk about them with your care team.</p>
            <h2>Not medical advice</h2>
            <p>Nothing here is a diagnosis, a treatment or medical advice for you. Always ask your own doctor, nurse or
            pharmacist about your health, and never stop, start or change a treatment, or delay getting care, because
            of something you read here.</p>
            <h2>Products</h2>
            <p>Naming a product is not a recommendation. Approvals differ between countries and change over time;
            your care team and the product’s own information are the authority for your treatment.</p>
            <h2>In an emergency</h2>
            <p>Call your local emergency number.</p>"""),
    },
    {
        "title": "Accessibility statement",
        "slug": "accessibility",
        "summary": "How we make this site usable for everyone, what we know still falls short, and how to tell us.",
        "footer_position": 40,
        "body": _html("""
            <h2>Our aim</h2>
            <p>Everyone should be able to read and use this site, including people who use a screen reader, a
            keyboard, voice control, screen magnification or high contrast, and people reading on a small phone. We
            aim to meet the Web Content Accessibility Guidelines (WCAG) 2.2 at level AA.</p>
            <h2>What we do</h2>
            <ul>
            <li>Pages work without JavaScript, and every page can be used with a keyboard alone.</li>
            <li>Text and controls meet the WCAG contrast ratios, links are underlined, and text can be enlarged to
            200% without losing content.</li>
            <li>Pages have headings, landmarks and a “Skip to main content” link, and images that carry meaning have
            a text description.</li>
            <li>Urgent advice is given in words and headings, never by colour alone.</li>
            <li>Every reader page is checked with automated accessibility tests (axe-core) in a real browser, at
            phone and desktop widths, before each change goes live.</li>
            </ul>
            <h2>What may still fall short</h2>
            <p>Automated tests find only some problems. Some older sources we link to are PDF files or sites that
            we do not control and that may not be accessible. Tell us if a page or a link does not work for you.</p>
            <h2>Tell us about a problem</h2>
            <p>If you cannot use part of this site, or need information in another format, answer “No” to “Was this
            page helpful?” at the end of any article, and describe what went wrong and which device, browser or
            assistive technology you use. Please do not include personal or health details. An editor reads every
            message, and we aim to fix what we can within 10 working days.</p>
            <h2>How we tested</h2>
            <p>This statement was prepared from our own testing against WCAG 2.2 level AA and is reviewed every time
            the design of the site changes.</p>"""),
    },
]


# --- Loading ---------------------------------------------------------------------------------------------------

# Shared records (conditions, products, side effects, sources, profiles, site pages) arrive published, as a
# reviewer would have left them; the demo fact-checker is named as their reviewer.
DEMO_FACT_CHECKER = "tomas-reyes"
REVIEWED = {
    "status": Article.Status.PUBLISHED,
    "published_at": datetime.datetime(2025, 1, 13, 9, 0, tzinfo=datetime.UTC),
    "last_updated": datetime.date(2025, 1, 13),
    "last_reviewed_on": datetime.date(2026, 6, 15),
    "next_review_due": datetime.date(2027, 6, 15),
}


class _Loader:
    def __init__(self, verbosity, stdout):
        self.verbosity = verbosity
        self.stdout = stdout
        self.created = Counter()
        self.new = set()

    def ensure(self, model, lookup, values, label=None, part_of=None):
        """
        Return ``(row, created)``: the row matching ``lookup``, or a new, validated one made from ``values``. A row
        that is ``part_of`` a record's content (a link, a citation) is added only to a record created in this run:
        what is already there changes through review, never by loading the demo again.
        """
        rows = model._default_manager.filter(**lookup)
        if hasattr(model, "draft_of"):  # new versions of a record share its natural key
            rows = rows.filter(draft_of__isnull=True)
        existing = rows.first()
        if existing is not None:
            return existing, False
        if part_of is not None and (type(part_of), part_of.pk) not in self.new:
            return None, False
        row = model(**values)
        row.full_clean()
        row.save()
        self.created[model] += 1
        self.new.add((model, row.pk))
        if self.verbosity >= 2:
            self.stdout.write(f"Created {model._meta.verbose_name} “{label or row}”.\n")
        return row, True

    def link(self, through, label, part_of, **ends):
        return self.ensure(through, ends, ends, label=label, part_of=part_of)[0]


# Local development only: logins for trying the editor's, the reviewer's and the clinician's jobs (the demo's
# workflow steps are recorded under them there; elsewhere under accounts nobody can log in with).
DEMO_STAFF = [
    {"username": "editor", "password": "editor", "group": "Editors", "contributor": "elise-varga"},
    {"username": "reviewer", "password": "reviewer", "group": "Reviewers", "contributor": "tomas-reyes"},
    {"username": "medical", "password": "medical", "group": "Medical reviewers", "contributor": "priya-raman"},
]


def demo_accounts(public_logins=False):
    """
    ``{group name: user}``: the staff accounts the demo's workflow steps are recorded under, each in its group
    and linked to its profile if the profile is free. Outside local development they are named after the
    profile (``demo-priya-raman``) and have no usable password, so nobody can log in with them; with
    ``public_logins`` they are the demo logins of DEMO_STAFF, given their public passwords.
    """
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from review.roles import sync_groups

    User = get_user_model()
    if Group.objects.filter(name__in={staff["group"] for staff in DEMO_STAFF}).count() < len(
        {staff["group"] for staff in DEMO_STAFF}
    ):
        sync_groups()  # a flushed database (after a transactional test) has lost the groups migrate made
    accounts = {}
    for staff in DEMO_STAFF:
        contributor = Contributor.objects.originals().get(slug=staff["contributor"])
        if contributor.user_id is not None and not public_logins:  # whoever the profile is linked to acts
            accounts[staff["group"]] = contributor.user
            continue
        first_name, _, last_name = contributor.name.partition(" ")
        user, created = User.objects.get_or_create(
            username=staff["username"] if public_logins else f"demo-{contributor.slug}",
            defaults={"first_name": first_name, "last_name": last_name, "is_staff": True},
        )
        if created or (public_logins and not user.has_usable_password()):
            if public_logins:
                user.set_password(staff["password"])
            else:
                user.set_unusable_password()
            user.save(update_fields=["password"])
        user.groups.add(Group.objects.get(name=staff["group"]))
        if contributor.user_id is None:
            contributor.user = user
            contributor.save(update_fields=["user"])
        accounts[staff["group"]] = contributor.user  # the login readers are told acted, if it was linked before
    return accounts


def create_demo_staff():
    """
    Create the demo editor, reviewer and medical reviewer logins, each linked to their contributor profile.
    Never call this outside local development: the passwords are public.
    """
    demo_accounts(public_logins=True)
    return DEMO_STAFF


# The records a clinician of the expert board reviews through the real workflow when the demo loads: the
# IVIG therapy guide (its kind requires it) and a condition overview.
MEDICAL_REVIEWS = [
    (
        Article,
        "ivig-therapy",
        "Checked the dosing, the infusion-day advice and the warning signs for clinical accuracy.",
    ),
    (Condition, "itp", "Checked the description of symptoms, platelet counts and treatment options."),
]


def _medically_review(loader):
    """
    Take each record of MEDICAL_REVIEWS that no clinician has reviewed yet through a new version: the demo
    editor submits it, the demo fact-checker checks it, the demo clinician reviews it and it is published
    again as a minor correction. Skipped (with a note) where an editor's work or the accounts stand in the way.
    """
    from django.conf import settings
    from django.core.exceptions import PermissionDenied, ValidationError

    from review.workflow import perform, start_new_version

    accounts = demo_accounts(public_logins=settings.DEBUG)
    editor, checker, clinician = (accounts[staff["group"]] for staff in DEMO_STAFF)
    for model, slug, notes in MEDICAL_REVIEWS:
        record = model.objects.originals().filter(slug=slug).first()
        if record is None or record.medical_reviewer_id or not record.is_live:
            continue
        if model.objects.filter(draft_of=record).exists():  # an editor's new version is under way: leave it
            continue
        try:
            with transaction.atomic():
                copy = start_new_version(record, editor)
                copy = perform(copy, "submit", editor, _("Sent for medical review."))
                copy = perform(copy, "fact_check", checker, _("Checked against the sources."))
                copy = perform(copy, "medically_review", clinician, notes)
                perform(copy, "publish", checker, _("Medically reviewed."), substantive=False)
        except (PermissionDenied, ValidationError) as problem:
            if loader.verbosity >= 1:
                loader.stdout.write(f"Could not medically review {model._meta.verbose_name} “{record}”: {problem}\n")


def load_demo_content(verbosity=1, stdout=None):
    """
    Add the demo content that is missing, in one transaction, and return how many rows of each model were created.

    Rows are found by their natural keys (slugs, DOIs or titles, and the pair of rows a link joins). Rows that
    already exist are left exactly as they are, so an editor's changes survive and a second run creates nothing.
    """
    loader = _Loader(verbosity, stdout or sys.stdout)
    ensure = loader.ensure
    article_type = ContentType.objects.get_for_model(Article)
    # Demo rows are created as a reviewer leaves them (review.guard.seeding); rows already there are never changed.
    with transaction.atomic(), seeding():
        contributors = {
            data["slug"]: ensure(Contributor, {"slug": data["slug"]}, {**with_portrait(data), **REVIEWED})[0]
            for data in CONTRIBUTORS
        }
        reviewed = {**REVIEWED, "fact_checker": contributors[DEMO_FACT_CHECKER]}
        conditions = {}
        for data in CONDITIONS:
            values = {key: value for key, value in data.items() if key != "codes"}
            condition = conditions[data["slug"]] = ensure(Condition, {"slug": data["slug"]}, {**values, **reviewed})[0]
            for system, code, last_code, title in data["codes"]:
                key = {"condition": condition, "system": system, "code": code}
                ensure(ConditionCode, key, {**key, "last_code": last_code, "title": title}, part_of=condition)
        for slug, other_slug in RELATED_CONDITIONS:
            condition, other = conditions[slug], conditions[other_slug]
            for from_condition, to_condition in ((condition, other), (other, condition)):
                loader.link(
                    Condition.related_conditions.through,
                    f"{from_condition.short_name} → {to_condition.short_name}",
                    part_of=from_condition,
                    from_condition=from_condition,
                    to_condition=to_condition,
                )

        side_effects = {
            data["slug"]: ensure(SideEffect, {"slug": data["slug"]}, {**data, **reviewed})[0] for data in SIDE_EFFECTS
        }

        products = {}
        for data in PRODUCTS:
            values = {key: value for key, value in data.items() if key != "approvals"}
            product = products[data["slug"]] = ensure(
                Product, {"slug": data["slug"]}, {**values, **reviewed, "route": Product.Route.INTRAVENOUS}
            )[0]
            for condition_slug, year in data["approvals"]:
                key = {"product": product, "condition": conditions[condition_slug], "region": "US"}
                ensure(ProductApproval, key, {**key, "year": year}, part_of=product)
            for slug, side_effect in side_effects.items():
                key = {"product": product, "side_effect": side_effect}
                frequency = Frequency.COMMON if slug in MILD_SIDE_EFFECTS else Frequency.RARE
                ensure(
                    ProductSideEffect,
                    key,
                    {**key, "frequency": frequency},
                    label=f"{product}: {side_effect}",
                    part_of=product,
                )

        sources = {}
        for ref, data in SOURCES.items():
            values = {key: value for key, value in data.items() if key != "authors"} | {"citation_key": ref, **reviewed}
            lookup = {"doi__iexact": data["doi"]} if data.get("doi") else {"title__iexact": data["title"]}
            source, created = ensure(Source, lookup, values)
            sources[ref] = source
            if created:
                for position, (family_name, given_names) in enumerate(data["authors"], start=1):
                    key = {"source": source, "position": position}
                    ensure(
                        SourceAuthor,
                        key,
                        {**key, "family_name": family_name, "given_names": given_names},
                        part_of=source,
                    )
            else:
                _complete_the_authors(loader, source, data)

        for data in ARTICLES:
            values = {
                key: value
                for key, value in data.items()
                if key not in {"author", "fact_checker", "conditions", "products", "side_effects", "citations"}
            }
            values["author"] = contributors[data["author"]]
            values["fact_checker"] = contributors[data["fact_checker"]] if data["fact_checker"] else None
            if values["status"] == Article.Status.PUBLISHED:
                values["last_reviewed_on"] = values["last_updated"]
            article = ensure(Article, {"slug": data["slug"]}, values)[0]
            for slug in data["conditions"]:
                loader.link(
                    Article.conditions.through,
                    f"{article}: {slug}",
                    part_of=article,
                    article=article,
                    condition=conditions[slug],
                )
            for slug in data["products"]:
                loader.link(
                    Article.products.through,
                    f"{article}: {slug}",
                    part_of=article,
                    article=article,
                    product=products[slug],
                )
            for position, slug in enumerate(data["side_effects"], start=1):
                key = {"article": article, "side_effect": side_effects[slug]}
                frequency = Frequency.COMMON if slug in MILD_SIDE_EFFECTS else Frequency.RARE
                ensure(ArticleSideEffect, key, {**key, "frequency": frequency, "position": position}, part_of=article)
            for position, ref in enumerate(data["citations"], start=1):
                key = {"content_type": article_type, "object_id": article.pk, "source": sources[ref]}
                ensure(Citation, key, {**key, "position": position}, label=f"{article}: {ref}", part_of=article)

        pages = [ensure(Page, {"slug": data["slug"]}, {**data, **reviewed})[0] for data in SITE_PAGES]
        _medically_review(loader)
        _translate(loader, contributors)

        examples = {
            Article: Article.objects.originals().get(slug=ARTICLES[0]["slug"]),
            Condition: conditions[CONDITIONS[0]["slug"]],
            Product: products[PRODUCTS[-1]["slug"]],
            SideEffect: side_effects[SIDE_EFFECTS[0]["slug"]],
            Source: next(iter(sources.values())),
            Contributor: contributors[CONTRIBUTORS[0]["slug"]],
            Page: pages[0],
        }
        for model, example in examples.items():
            _show_every_state(loader, model, example)
        _show_every_translation_state(loader, conditions[CONDITIONS[0]["slug"]])
    return dict(loader.created)


# --- Translations ----------------------------------------------------------------------------------------------

TRANSLATIONS_DIR = pathlib.Path(__file__).resolve().parent / "demo_translations"
# The demo reviewer who reads Spanish fact-checked the demo translations.
DEMO_TRANSLATION_CHECKER = "tomas-reyes"


def _translate(loader, contributors):
    """The reviewed translations of ``demo_translations/<language>.json``: ``{"app.model:slug": {field: text}}``."""
    from translations.models import Translation

    checker = contributors[DEMO_TRANSLATION_CHECKER]
    for path in sorted(TRANSLATIONS_DIR.glob("*.json")):
        language = path.stem
        for key, text in json.loads(path.read_text(encoding="utf-8")).items():
            label, _sep, slug = key.partition(":")
            model = apps.get_model(label)
            source = model.objects.originals().filter(slug=slug).first()
            if source is None or not source.is_live:
                continue
            content_type = ContentType.objects.get_for_model(model)
            match = {"content_type": content_type, "object_id": source.pk, "language": language, "draft_of": None}
            values = {**match, "text": text, "source_version": source.content_version, **REVIEWED}
            loader.ensure(Translation, match, {**values, "fact_checker": checker}, label=f"{source} ({language})")


# --- The workflow, shown ---------------------------------------------------------------------------------------

# So that editors and reviewers trying the demo meet every kind of record in every state, each kind gets one
# stand-in per state (a copy of a demo record, marked as such, that readers never see) and new versions of a
# published record waiting at each step of review.
STAND_IN_STATES = [
    Article.Status.DRAFT,
    Article.Status.IN_REVIEW,
    Article.Status.CHANGES_REQUESTED,
    Article.Status.FACT_CHECKED,
    "scheduled",  # published for a time still to come
    Article.Status.UNPUBLISHED,
    Article.Status.ARCHIVED,
]
NEW_VERSION_STATES = [Article.Status.IN_REVIEW, Article.Status.SCHEDULED]
# What each new version changes, so that the reviewer's diff has something to show.
NEW_VERSION_EDITS = {
    Article: ("dek", " Updated with the latest advice on infusion days."),
    Condition: ("summary", " Updated after the latest review."),
    Product: ("notes", " Ask your pharmacy how it is delivered and stored."),
    SideEffect: ("what_helps", " Tell the nurse as soon as you notice it."),
    Source: ("accessed_on", datetime.date(2026, 11, 2)),
    Contributor: ("bio", "<p>Now also reviews our articles on home infusion.</p>"),
    Page: ("summary", " Updated to say how we check every kind of page."),
}
# The fields that name a record, marked on each stand-in; identifiers that must stay unique are left empty.
NAMES = {
    Article: ["title", "slug"],
    Condition: ["name", "slug"],
    Product: ["brand_name", "slug"],
    SideEffect: ["name", "slug"],
    Source: ["title"],
    Contributor: ["name", "slug"],
    Page: ["title", "slug"],
}
CLEARED = {Source: ["doi", "pmid", "citation_key"]}
SCHEDULED_IN = datetime.timedelta(days=30)


def _show_every_state(loader, model, example):
    from review.content import copy_content
    from review.workflow import forget_next_due, record_event

    now = datetime.datetime.now(tz=datetime.UTC)
    for state in STAND_IN_STATES:
        label = state.replace("_", " ")
        marks = {
            field: (f"{getattr(example, field)}-demo-{state}".replace("_", "-") if field == "slug"
                    else f"{getattr(example, field)} (workflow demo: {label})")
            for field in NAMES[model]
        }  # fmt: skip
        if model._default_manager.filter(**{NAMES[model][0]: marks[NAMES[model][0]]}).exists():
            continue
        stand_in = model(status=state if state != "scheduled" else Article.Status.PUBLISHED)
        if state == "scheduled":
            stand_in.published_at = now + SCHEDULED_IN
        elif state in {Article.Status.UNPUBLISHED, Article.Status.ARCHIVED}:
            stand_in.published_at = example.published_at
        copy_content(example, stand_in, {**marks, **dict.fromkeys(CLEARED.get(model, []), "")})
        record_event(stand_in, None, "demo", _("Demo content: shows a record in this state."), "", stand_in.status)
        loader.created[model] += 1
    if model._default_manager.filter(draft_of=example).exists():
        return
    for state in NEW_VERSION_STATES:
        target = example if state == NEW_VERSION_STATES[0] else _second(model, example)
        if target is None or model._default_manager.filter(draft_of=target).exists():
            continue
        when = now + SCHEDULED_IN if state == Article.Status.SCHEDULED else target.published_at
        copy = model(draft_of=target, status=state, published_at=when, last_updated=target.last_updated)
        field, edit = NEW_VERSION_EDITS[model]
        changed = edit if not isinstance(edit, str) else (getattr(target, field) or "") + edit
        if field == "accessed_on" and not target.url:
            changed = None
        copy_content(target, copy, {field: changed} if changed is not None else {})
        record_event(copy, None, "demo", _("Demo content: a new version waiting for review."), "", state)
        loader.created[model] += 1
    forget_next_due()


def _show_every_translation_state(loader, condition):
    """
    Translations in every state, as :func:`_show_every_state` shows other records: a record has one translation
    per language, so each stand-in translates the condition's stand-in in the same state; the published
    translations of the condition and of the therapy guide get new versions waiting at each step.
    """
    from review.content import copy_content
    from review.workflow import forget_next_due, record_event
    from translations.models import Translation

    example = Translation.objects.of(condition).filter(draft_of=None).first()
    if example is None:
        return
    now = datetime.datetime.now(tz=datetime.UTC)
    for state in STAND_IN_STATES:
        label = state.replace("_", " ")
        source = Condition.objects.filter(name=f"{condition.name} (workflow demo: {label})", draft_of=None).first()
        if source is None or Translation.objects.of(source).exists():
            continue
        stand_in = Translation(status=state if state != "scheduled" else Article.Status.PUBLISHED)
        if state == "scheduled":
            stand_in.published_at = now + SCHEDULED_IN
        elif state in {Article.Status.UNPUBLISHED, Article.Status.ARCHIVED}:
            stand_in.published_at = example.published_at
        name = f"{example.text.get('name', '')} (demostración del flujo: {label})"
        copy_content(example, stand_in, {"object_id": source.pk, "text": {**example.text, "name": name}})
        record_event(stand_in, None, "demo", _("Demo content: shows a record in this state."), "", stand_in.status)
        loader.created[Translation] += 1
    published = list(Translation.objects.filter(draft_of=None, status=Article.Status.PUBLISHED).order_by("pk")[:2])
    for state, target in zip(NEW_VERSION_STATES, published, strict=False):
        if Translation.objects.filter(draft_of=target).exists():
            continue
        when = now + SCHEDULED_IN if state == Article.Status.SCHEDULED else target.published_at
        copy = Translation(draft_of=target, status=state, published_at=when, last_updated=target.last_updated)
        field = "summary" if "summary" in target.text else "dek"
        text = {**target.text, field: target.text.get(field, "") + " Actualizado tras la última revisión."}
        copy_content(target, copy, {"text": text})
        record_event(copy, None, "demo", _("Demo content: a new version waiting for review."), "", state)
        loader.created[Translation] += 1
    forget_next_due()


def _complete_the_authors(loader, source, data):
    """
    A source loaded when its entry named only the first authors and "et al" gets a new version with every
    author, waiting for review as any change to a published record does; a source an editor changed is left alone.
    """
    from review.content import copy_content
    from review.workflow import record_event

    listed = [(author.family_name, author.given_names) for author in source.authors.all()]
    complete = list(data["authors"])
    shortened = source.has_more_authors and len(listed) < len(complete) and complete[: len(listed)] == listed
    if data.get("has_more_authors") or not shortened or Source.objects.filter(draft_of=source).exists():
        return
    copy = Source(
        draft_of=source,
        status=Article.Status.IN_REVIEW,
        published_at=source.published_at,
        last_updated=source.last_updated,
    )
    copy_content(source, copy, {"has_more_authors": False})
    copy.authors.all().delete()
    SourceAuthor.objects.bulk_create(
        SourceAuthor(source=copy, position=position, family_name=family_name, given_names=given_names)
        for position, (family_name, given_names) in enumerate(complete, start=1)
    )
    record_event(copy, None, "demo", _("Demo content: the complete list of authors."), "", copy.status)
    loader.created[Source] += 1


def _second(model, example):
    """Another published record of ``model``, for the new version that waits for its publication time."""
    return model.objects.published().originals().exclude(pk=example.pk).order_by("pk").first()
