"""The code systems an Infobutton request may name, by their HL7 OIDs, and the codes as we store them."""

from articles.models import CodeSystem

ICD10_CM = "2.16.840.1.113883.6.90"
ICD10_WHO = "2.16.840.1.113883.6.3"
ICD9_CM = "2.16.840.1.113883.6.103"
SNOMED_CT = "2.16.840.1.113883.6.96"
RXNORM = "2.16.840.1.113883.6.88"

# OID → (its name, the codes of ours it is compared with). WHO ICD-10 and ICD-10-CM share their categories and
# most subcategories, so a WHO code is looked up among the ICD-10-CM codes, and up their hierarchy.
CODE_SYSTEMS = {
    ICD10_CM: ("ICD-10-CM", CodeSystem.ICD10CM),
    ICD10_WHO: ("ICD-10", CodeSystem.ICD10CM),
    ICD9_CM: ("ICD-9-CM", CodeSystem.ICD9CM),
    SNOMED_CT: ("SNOMED CT", CodeSystem.SNOMED),
    RXNORM: ("RxNorm", CodeSystem.RXNORM),
}


def known_systems():
    return ", ".join(f"{oid} ({name})" for oid, (name, _system) in CODE_SYSTEMS.items())
