"""England's NHS of 2008 as the demo data sees it: the ten SHAs, the 152 PCTs
under their real codes, and the cycles assessed."""

from collections.abc import Iterable

from assessments.models import Cycle, Organisation

from .tally import Tally

# The ten Strategic Health Authorities of 2006–2013, by NHS organisation code.
SHAS: dict[str, str] = {
    "Q30": "North East Strategic Health Authority",
    "Q31": "North West Strategic Health Authority",
    "Q32": "Yorkshire and the Humber Strategic Health Authority",
    "Q33": "East Midlands Strategic Health Authority",
    "Q34": "West Midlands Strategic Health Authority",
    "Q35": "East of England Strategic Health Authority",
    "Q36": "London Strategic Health Authority",
    "Q37": "South East Coast Strategic Health Authority",
    "Q38": "South Central Strategic Health Authority",
    "Q39": "South West Strategic Health Authority",
}

# England's 152 PCTs (and care trusts that were PCTs) by SHA: code, name.
PCTS_BY_SHA: dict[str, list[tuple[str, str]]] = {
    "Q30": [
        ("5ND", "County Durham PCT"), ("5J9", "Darlington PCT"), ("5KF", "Gateshead PCT"),
        ("5D9", "Hartlepool PCT"), ("5KM", "Middlesbrough PCT"), ("5D7", "Newcastle PCT"),
        ("5D8", "North Tyneside PCT"), ("TAC", "Northumberland Care Trust"),
        ("5QR", "Redcar and Cleveland PCT"), ("5KG", "South Tyneside PCT"),
        ("5E1", "Stockton-on-Tees Teaching PCT"), ("5KL", "Sunderland Teaching PCT"),
    ],
    "Q31": [
        ("5HG", "Ashton, Leigh and Wigan PCT"), ("5CC", "Blackburn with Darwen PCT"),
        ("5HP", "Blackpool PCT"), ("5HQ", "Bolton PCT"), ("5JX", "Bury PCT"),
        ("5NP", "Central and Eastern Cheshire PCT"), ("5NG", "Central Lancashire PCT"),
        ("5NE", "Cumbria Teaching PCT"), ("5NH", "East Lancashire Teaching PCT"),
        ("5NM", "Halton and St Helens PCT"), ("5NQ", "Heywood, Middleton and Rochdale PCT"),
        ("5J4", "Knowsley PCT"), ("5NL", "Liverpool PCT"), ("5NT", "Manchester PCT"),
        ("5NF", "North Lancashire Teaching PCT"), ("5J5", "Oldham PCT"), ("5F5", "Salford PCT"),
        ("5NJ", "Sefton PCT"), ("5F7", "Stockport PCT"), ("5LH", "Tameside and Glossop PCT"),
        ("5NR", "Trafford PCT"), ("5J2", "Warrington PCT"), ("5NN", "Western Cheshire PCT"),
        ("5NK", "Wirral PCT"),
    ],
    "Q32": [
        ("5JE", "Barnsley PCT"), ("5NY", "Bradford and Airedale Teaching PCT"),
        ("5J6", "Calderdale PCT"), ("5N5", "Doncaster PCT"),
        ("5NW", "East Riding of Yorkshire PCT"), ("5NX", "Hull Teaching PCT"),
        ("5N2", "Kirklees PCT"), ("5N1", "Leeds PCT"),
        ("TAN", "North East Lincolnshire Care Trust Plus"), ("5EF", "North Lincolnshire PCT"),
        ("5NV", "North Yorkshire and York PCT"), ("5H8", "Rotherham PCT"),
        ("5N4", "Sheffield PCT"), ("5N3", "Wakefield District PCT"),
    ],
    "Q33": [
        ("5ET", "Bassetlaw PCT"), ("5N7", "Derby City PCT"), ("5N6", "Derbyshire County PCT"),
        ("5PC", "Leicester City PCT"), ("5PA", "Leicestershire County and Rutland PCT"),
        ("5N9", "Lincolnshire Teaching PCT"), ("5PD", "Northamptonshire Teaching PCT"),
        ("5EM", "Nottingham City PCT"), ("5N8", "Nottinghamshire County Teaching PCT"),
    ],
    "Q34": [
        ("5PG", "Birmingham East and North PCT"), ("5MD", "Coventry Teaching PCT"),
        ("5PE", "Dudley PCT"), ("5MX", "Heart of Birmingham Teaching PCT"),
        ("5CN", "Herefordshire PCT"), ("5PH", "North Staffordshire PCT"), ("5PF", "Sandwell PCT"),
        ("5M2", "Shropshire County PCT"), ("TAM", "Solihull Care Trust"),
        ("5M1", "South Birmingham PCT"), ("5PK", "South Staffordshire PCT"),
        ("5PJ", "Stoke on Trent PCT"), ("5MK", "Telford and Wrekin PCT"),
        ("5M3", "Walsall Teaching PCT"), ("5PM", "Warwickshire PCT"),
        ("5MV", "Wolverhampton City PCT"), ("5PL", "Worcestershire PCT"),
    ],
    "Q35": [
        ("5P2", "Bedfordshire PCT"), ("5PP", "Cambridgeshire PCT"),
        ("5P3", "East and North Hertfordshire PCT"), ("5PR", "Great Yarmouth and Waveney PCT"),
        ("5GC", "Luton PCT"), ("5PX", "Mid Essex PCT"), ("5PQ", "Norfolk PCT"),
        ("5PW", "North East Essex PCT"), ("5PN", "Peterborough PCT"),
        ("5P1", "South East Essex PCT"), ("5PY", "South West Essex PCT"), ("5PT", "Suffolk PCT"),
        ("5PV", "West Essex PCT"), ("5P4", "West Hertfordshire PCT"),
    ],
    "Q36": [
        ("5C2", "Barking and Dagenham PCT"), ("5A9", "Barnet PCT"), ("TAK", "Bexley Care Trust"),
        ("5K5", "Brent Teaching PCT"), ("5A7", "Bromley PCT"), ("5K7", "Camden PCT"),
        ("5C3", "City and Hackney Teaching PCT"), ("5K9", "Croydon PCT"), ("5HX", "Ealing PCT"),
        ("5C1", "Enfield PCT"), ("5A8", "Greenwich Teaching PCT"),
        ("5H1", "Hammersmith and Fulham PCT"), ("5C9", "Haringey Teaching PCT"),
        ("5K6", "Harrow PCT"), ("5A4", "Havering PCT"), ("5AT", "Hillingdon PCT"),
        ("5HY", "Hounslow PCT"), ("5K8", "Islington PCT"), ("5LA", "Kensington and Chelsea PCT"),
        ("5A5", "Kingston PCT"), ("5LD", "Lambeth PCT"), ("5LF", "Lewisham PCT"),
        ("5C5", "Newham PCT"), ("5NA", "Redbridge PCT"), ("5M6", "Richmond and Twickenham PCT"),
        ("5LE", "Southwark PCT"), ("5M7", "Sutton and Merton PCT"), ("5C4", "Tower Hamlets PCT"),
        ("5NC", "Waltham Forest PCT"), ("5LG", "Wandsworth PCT"), ("5LC", "Westminster PCT"),
    ],
    "Q37": [
        ("5LQ", "Brighton and Hove City PCT"), ("5P7", "East Sussex Downs and Weald PCT"),
        ("5QA", "Eastern and Coastal Kent PCT"), ("5P8", "Hastings and Rother PCT"),
        ("5L3", "Medway PCT"), ("5P5", "Surrey PCT"), ("5P9", "West Kent PCT"),
        ("5P6", "West Sussex PCT"),
    ],
    "Q38": [
        ("5QG", "Berkshire East PCT"), ("5QF", "Berkshire West PCT"),
        ("5QD", "Buckinghamshire PCT"), ("5QC", "Hampshire PCT"), ("5QT", "Isle of Wight NHS PCT"),
        ("5CQ", "Milton Keynes PCT"), ("5QE", "Oxfordshire PCT"),
        ("5FE", "Portsmouth City Teaching PCT"), ("5L1", "Southampton City PCT"),
    ],
    "Q39": [
        ("5FL", "Bath and North East Somerset PCT"), ("5QN", "Bournemouth and Poole Teaching PCT"),
        ("5QJ", "Bristol PCT"), ("5QP", "Cornwall and Isles of Scilly PCT"), ("5QQ", "Devon PCT"),
        ("5QM", "Dorset PCT"), ("5QH", "Gloucestershire PCT"), ("5M8", "North Somerset PCT"),
        ("5F1", "Plymouth Teaching PCT"), ("5QL", "Somerset PCT"),
        ("5A3", "South Gloucestershire PCT"), ("5K3", "Swindon PCT"), ("TAL", "Torbay Care Trust"),
        ("5QK", "Wiltshire PCT"),
    ],
}


def all_pcts() -> list[tuple[str, str, str]]:
    """(code, name, SHA code) of every PCT."""
    return [(code, name, sha) for sha, pcts in PCTS_BY_SHA.items() for code, name in pcts]


def pct_name(code: str) -> str:
    return next(name for pct, name, _ in all_pcts() if pct == code)


def organisation_name(code: str | None) -> str:
    if code is None:
        return ""
    return SHAS.get(code) or pct_name(code)


def ensure_organisations(codes: Iterable[str], tally: Tally) -> dict[str, Organisation]:
    """The SHAs and PCTs with these codes (and the SHAs of those PCTs), created if missing."""
    codes = set(codes)
    pcts = [(code, name, sha) for code, name, sha in all_pcts() if code in codes]
    sha_codes = (codes & set(SHAS)) | {sha for _, _, sha in pcts}
    found = Organisation.objects.in_bulk([*sha_codes, *(code for code, _, _ in pcts)], field_name="code")
    tally.add("Organisations", False, len(found))
    missing_shas = [
        Organisation(code=code, name=SHAS[code], kind=Organisation.Kind.SHA)
        for code in sorted(sha_codes) if code not in found
    ]
    for sha in Organisation.objects.bulk_create(missing_shas):
        found[sha.code] = sha
    missing_pcts = [
        Organisation(code=code, name=name, kind=Organisation.Kind.PCT, sha=found[sha])
        for code, name, sha in pcts if code not in found
    ]
    for pct in Organisation.objects.bulk_create(missing_pcts):
        found[pct.code] = pct
    tally.add("Organisations", True, len(missing_shas) + len(missing_pcts))
    return found


def ensure_cycles(years: Iterable[int], tally: Tally) -> dict[int, Cycle]:
    cycles = {}
    for year in years:
        cycles[year], created = Cycle.objects.get_or_create(start_year=year)
        tally.add("Cycles", created)
    return cycles
