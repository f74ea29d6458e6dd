"""The framework content against the two Department of Health documents.

The expected first and last items were read from the documents, whose text
is kept in fixtures/sources/; the containment test checks that every text in
the database stands, word for word, in its source document (once the text
extraction's line breaks are undone).
"""

import re
from pathlib import Path

import pytest
from django.conf import settings

from competencies.models import Competency, EvidenceItem, Process, Question, Skill, Theme

pytestmark = pytest.mark.django_db

SOURCES = Path(settings.BASE_DIR) / "fixtures" / "sources"
COMPETENCIES_DOC = "world-class-commissioning-competencies-2007.txt"
CHECKLIST_DOC = "tool-d1-commissioning-checklist.txt"

# number: (short title, theme position, skills, processes, evidence, questions)
COUNTS = {
    1: ("Locally lead the NHS", 2, 4, 5, 4, 8),
    2: ("Work with community partners", 2, 4, 9, 4, 9),
    3: ("Engage with public and patients", 3, 3, 9, 8, 9),
    4: ("Collaborate with clinicians", 3, 3, 8, 6, 5),
    5: ("Manage knowledge and assess needs", 1, 5, 7, 6, 6),
    6: ("Prioritise investment", 1, 4, 10, 5, 10),
    7: ("Stimulate the market", 3, 7, 12, 7, 12),
    8: ("Promote improvement and innovation", 3, 5, 13, 5, 13),
    9: ("Secure procurement skills", 3, 6, 11, 6, 11),
    10: ("Manage the local health system", 4, 5, 10, 3, 10),
    11: ("Make sound financial investments", 3, 4, 19, 6, 19),
}
MODELS = {"skill": Skill, "process": Process, "evidenceitem": EvidenceItem}

EXPECTED = {
    1: {
        'skill': (4, 'Listens to partner NHS organisations and other providers',
            'Has good organisational development skills'),
        'process': (5, 'Is clearly and visibly recognised and sought as the leader of the local NHS and is respected by its community and business partners as the primary source of credible, timely and authoritative advice on all matters relating to the NHS',
            'Understands the commissioning requirements of other PCTs when entering into lead commissioner arrangements, and effectively manages contracts on their behalf'),
        'evidenceitem': (4, 'Clear communications policy and ability to respond to individual, organisational and media enquiries regarding the local NHS',
            'Board with a clear understanding of reputation management as well as effective stakeholder management'),
        'question': (8, 'Are you the primary source of credible, timely and authoritative advice on all matters relating to the NHS?',
            'Do you have a clear communications policy? Can you respond effectively to individual, organisational and media enquiries regarding the NHS?'),
    },
    2: {
        'skill': (4, 'Development of partnership agreements',
            'Presentation and influencing skills'),
        'process': (9, 'Proactively seeks partnership with appropriate agencies, both within health and beyond, using defined legal agreements and frameworks',
            'Monitors and evaluates the effectiveness of partnerships'),
        'evidenceitem': (4, 'Full engagement locally through effective and innovative local strategic partnerships and workforce planning processes',
            'Open and effective shared knowledge and information processes which maximise use of local community intelligence and engagement'),
        'question': (9, 'Do you actively seek partnership with appropriate agencies both within health and beyond using defined legal agreements and frameworks?',
            'Do you monitor and evaluate the effectiveness of partnerships?'),
    },
    3: {
        'skill': (3, 'Proactive listening and communication skills to address the needs of all relevant stakeholders, including using third sector and community partners to seek and engage the voice of those who are seldom heard',
            'Presentation and influencing skills'),
        'process': (9, 'Routinely ensures that patients and the public can share their experiences of health and care services and uses this to inform commissioning',
            "Undertakes assessments and seeks feedback to ensure that the public's experience of engagement has been appropriate and not tokenistic"),
        'evidenceitem': (8, 'A PCT prospectus that meets national and local requirements',
            'Local community profiles that proactively identify and seek out communities that experience the worst health outcomes, and through dialogue and engagement raise local health aspirations'),
        'question': (9, 'Can patients and the public share their experiences of health and care services? Do you use these experiences to inform commissioning?',
            "Do you undertake assessments and seek feedback to ensure that the public's experience of engagement has been appropriate and not tokenistic?"),
    },
    4: {
        'skill': (3, 'Clinical relations skills: engagement strategies; relationship building; network design; feedback evaluation; website and intranet management; survey management',
            'Operational and project management skills to implement new ways of working'),
        'process': (8, 'Encourages broad clinical engagement through appropriate and meaningful devolution of commissioning decisions, including maximising clinical impact through the development of PBC',
            'Works in partnership with clinicians along care pathways in commissioner and provider organisations to facilitate and harness front-line innovation and drive continuous quality improvement'),
        'evidenceitem': (6, 'Evidence of developed mechanisms for clinical engagement, such as lists and local awareness of formal and informal opportunities, terms of reference for relevant committees, board papers, and clear frameworks for assessing PBC plans and business cases',
            'Evidence of regular and active dialogue with local clinicians, seeking their data and information needs, supporting engagement that turns information into knowledge and action'),
        'question': (5, 'Do you encourage broad clinical engagement through devolution of commissioning decisions? This includes maximising clinical impact through the development of practice-based commissioning (PBC).',
            'Do you work in partnership with clinicians along care pathways in commissioner and provider organisations to facilitate and harness front-line innovation and drive continuous quality improvement?'),
    },
    5: {
        'skill': (5, 'Partnership liaison skills, to ensure a meaningful exchange of key data and analysis',
            'Presentation, negotiation, brokering and influencing skills'),
        'process': (7, 'Demonstrates ownership of contribution to a robust and ongoing JSNA',
            'Demonstrates that it has sought and used all relevant data to work with communities and clinicians, prioritising strategic commissioning decisions and longer-term workforce planning'),
        'evidenceitem': (6, "Robust ongoing JSNA demonstrating a full working understanding of the current and future local population's health and well-being needs, especially relating to relative inequalities in health outcomes and experience",
            'A commissioning strategy that demonstrates clear links to partner strategies'),
        'question': (6, 'Do you have strategies to further develop and enhance the needs assessment data sets and analysis with your partners?',
            'Can you demonstrate that you have sought and used all relevant data to work with communities and clinicians, prioritising strategic commissioning decisions and longer-term workforce planning?'),
    },
    6: {
        'skill': (4, 'Database and knowledge management skills, using outputs from the JSNA to determine investment priorities',
            'Presentation and influencing skills'),
        'process': (10, 'Identifies and commissions against key priority outcomes, taking into account patient experiences, local needs and preferences, risk assessments, national priorities and other guidance, such as National Institute for Health and Clinical Excellence (NICE) guidelines',
            'Monitors the performance of commissioned strategic health outcomes, using patient-reported clinical outcome measures and measures related to patient experience and public engagement'),
        'evidenceitem': (5, 'Adoption of rigorous and clearly defined short-, medium-and long-term commissioning strategies enabling local service design, innovation and development',
            'Relevant benchmarking data'),
        'question': (10, 'Do you identify and commission against key priority outcomes, taking into account patient experiences, local needs and preferences, risk assessments, national priorities and other guidance, such as National Institute for Health and Clinical Excellence (NICE) guidelines?',
            'Are you monitoring the performance of commissioned strategic health outcomes, using patient-reported clinical outcome measures and measures related to patient experience and public engagement?'),
    },
    7: {
        'skill': (7, 'Establishing and developing formal and informal relationships with existing and potential providers',
            'Presentation and influencing skills'),
        'process': (12, 'Maps and understands the strengths and weaknesses of current service configuration and provision',
            'Communicates with the market as an investor, not a funder, using and specifying an approach based on quality and outcomes'),
        'evidenceitem': (7, 'Rigorous and clearly defined commissioning strategy',
            'Reports to Board on provider development and management issues'),
        'question': (12, 'Do you map and understand the strengths and weaknesses of current service configuration and provision?',
            'Do you communicate with the market as an investor, not a funder, using and specifying an approach based on quality and outcomes?'),
    },
    8: {
        'skill': (5, 'Relationship management skills: seeks and maintains networks and relationships that identify best clinical and service innovation, research and knowledge',
            'Presentation and influencing skills'),
        'process': (13, 'Maps and understands the strengths and weaknesses of current service innovation, quality and outcomes',
            'Develops relationships with current and potential providers, stimulating wholesystem solutions for the greatest health and well-being gain'),
        'evidenceitem': (5, 'Established local best practice and innovation networks',
            'Evidence of local whole-system involvement in knowledge development and innovation'),
        'question': (13, 'Do you map and understand the strengths and weaknesses of current service innovation, quality and outcomes?',
            'Are you developing relationships with current and potential providers, stimulating whole-system solutions for the greatest health and wellbeing gain?'),
    },
    9: {
        'skill': (6, 'Stakeholder liaison and information sharing',
            'Contract and performance management'),
        'process': (11, 'Procures and contracts in proportion to risk and in line with the clinical priorities and wider health and well-being outcomes described in the commissioning strategy',
            'Creates contingency plans to mitigate against provider failure'),
        'evidenceitem': (6, 'Clear and written governance for tender process according to type of contract, length, risk and value',
            'Evidence of timely contracting'),
        'question': (11, 'Are you procuring and contracting in proportion to risk and in line with the clinical priorities and wider health and wellbeing outcomes described in the commissioning strategy?',
            'Do you create contingency plans to mitigate against provider failure?'),
    },
    10: {
        'skill': (5, 'Stakeholder liaison skills',
            'Presentation and influencing skills'),
        'process': (10, 'Monitors provider financial performance, activity and sustainability in accordance with its contractual agreements',
            'Acts to terminate contracts where this becomes necessary'),
        'evidenceitem': (3, 'Robust local monitoring and reporting plan and/or process, including timetable of performance conversations',
            'Board reports on risk areas and performance issues'),
        'question': (10, 'Do you monitor provider financial performance, activity and sustainability in accordance with its contractual agreements?',
            'Do you terminate contracts when necessary?'),
    },
    11: {
        'skill': (4, 'Professional financial management skills, including financial planning and forecasting, investment analysis, management accounting and financial governance skills',
            'Programme budgeting skills'),
        'process': (19, 'Has a thorough understanding of the financial regime in which it operates',
            'Ensures that all staff have a clear understanding of their delegated commissioning budgets and that all those staff responsible for the management of budgets have access to relevant and timely activity and performance data that enable them to operate these budgets effectively'),
        'evidenceitem': (6, 'Robust annual, medium-term and longer-term financial plans that complement strategic plans',
            'Disinvestment strategies for non-recurrent spending'),
        'question': (19, 'Do you have a thorough understanding of the financial regime in which you operate?',
            'Do all staff have a clear understanding of their delegated commissioning budgets? Do all staff responsible for the management of budgets have access to relevant and timely activity and performance data that enable them to operate these budgets effectively?'),
    },
}


def test_totals():
    assert (Theme.objects.count(), Competency.objects.count(), Skill.objects.count(),
            Process.objects.count(), EvidenceItem.objects.count(), Question.objects.count()) == (
        4, 11, 50, 113, 60, 112)
    assert list(Theme.objects.values_list("title", flat=True)) == [
        "Understanding the problem in your area and setting local goals", "Local leadership",
        "Choosing interventions", "Monitoring and evaluation"]


@pytest.mark.parametrize("number", COUNTS)
def test_counts_and_theme_per_competency(number):
    title, theme, skills, processes, evidence, questions = COUNTS[number]
    competency = Competency.objects.get(number=number)

    assert competency.short_title == title
    assert competency.theme.position == theme
    assert (competency.skills.count(), competency.processes.count(),
            competency.evidence_items.count(), competency.questions.count()) == (
        skills, processes, evidence, questions)


@pytest.mark.parametrize("number", EXPECTED)
@pytest.mark.parametrize("kind", ["skill", "process", "evidenceitem", "question"])
def test_first_and_last_item_of_every_list(number, kind):
    count, first, last = EXPECTED[number][kind]
    if kind == "question":
        texts = list(Question.objects.filter(competency__number=number).order_by("number")
                     .values_list("text", flat=True))
    else:
        texts = list(MODELS[kind].objects.filter(competency__number=number).order_by("position")
                     .values_list("text", flat=True))

    assert (len(texts), texts[0], texts[-1]) == (count, first, last)


def normalised(text: str) -> str:
    """The document with its extraction artefacts undone: no line breaks,
    bullets, table cells or HTML; single spaces."""
    text = re.sub(r"<[^>]+>", " ", text)
    text = text.replace("•", " ").replace("·", " ")
    text = re.sub(r"(?m)^- ", " ", text)
    return re.sub(r"\s+", " ", text)


# The repairs made to the extracted text, undone to find the source text.
REPAIRS = {"the values of the NHS – fair, personal, effective and safe – and":
           "the values of the NHS fair, personal, effective and safe and"}


def test_every_text_stands_word_for_word_in_its_document():
    competencies_doc = normalised((SOURCES / COMPETENCIES_DOC).read_text(encoding="utf-8"))
    checklist_doc = normalised((SOURCES / CHECKLIST_DOC).read_text(encoding="utf-8"))
    texts = [(competencies_doc, t) for model in MODELS.values()
             for t in model.objects.values_list("text", flat=True)]
    for c in Competency.objects.all():
        texts += [(competencies_doc, c.short_title), (competencies_doc, c.statement),
                  (competencies_doc, c.why), (checklist_doc, c.checklist_heading)]
        texts += [(checklist_doc, line) for line in c.checklist_description.splitlines()]
    texts += [(checklist_doc, t) for t in Question.objects.values_list("text", flat=True)]
    missing = []
    for document, text in texts:
        for repaired, original in REPAIRS.items():
            text = text.replace(repaired, original)
        for part in text.split("\n"):
            if normalised(part).strip(" •") not in document:
                missing.append(part)
    assert not missing


def test_no_artefacts_left():
    texts = [t for model in [*MODELS.values(), Question] for t in model.objects.values_list("text", flat=True)]
    for text in texts:
        assert text == text.strip() and "  " not in text and "<" not in text and "· " not in text
    assert not Process.objects.filter(text="The PCT").exists()


def test_question_process_links_stay_within_the_competency():
    linked = Question.objects.exclude(process=None).select_related("process")
    assert linked.count() == 110
    assert all(q.process.competency_id == q.competency_id for q in linked)
