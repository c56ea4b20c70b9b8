"""
The clinical codes a condition or product is known by in health records: ICD-10-CM (single codes and ranges of
categories), ICD-9-CM and SNOMED CT for conditions, RxNorm for products. They are reviewed content of their
record (a list of child rows, like approvals), so a new or changed code goes through review like any other fact.
"""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

ICD10_PATTERN = r"^[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$"
ICD10_CATEGORY = r"^[A-Z][0-9][0-9A-Z]$"
ICD9_PATTERN = r"^([0-9]{3}(\.[0-9]{1,2})?|V[0-9]{2}(\.[0-9]{1,2})?|E[0-9]{3}(\.[0-9])?)$"
ICD9_CATEGORY = r"^([0-9]{3}|V[0-9]{2}|E[0-9]{3})$"
SNOMED_PATTERN = r"^[1-9][0-9]{5,17}$"
RXNORM_PATTERN = r"^[1-9][0-9]{0,8}$"


class CodeSystem(models.TextChoices):
    ICD10CM = "icd10cm", "ICD-10-CM"
    ICD9CM = "icd9cm", "ICD-9-CM"
    SNOMED = "snomed", "SNOMED CT"
    RXNORM = "rxnorm", "RxNorm"


class InvalidCode(ValueError):
    pass


EXAMPLES = {
    CodeSystem.ICD10CM: "D69.3",
    CodeSystem.ICD9CM: "287.31",
    CodeSystem.SNOMED: "32273002",
    CodeSystem.RXNORM: "1000000",
}
A_CODE = {
    CodeSystem.ICD10CM: "an ICD-10 code",
    CodeSystem.ICD9CM: "an ICD-9-CM code",
    CodeSystem.SNOMED: "a SNOMED CT identifier",
    CodeSystem.RXNORM: "an RxNorm identifier (RXCUI)",
}
_PATTERNS = {
    CodeSystem.ICD10CM: ICD10_PATTERN,
    CodeSystem.ICD9CM: ICD9_PATTERN,
    CodeSystem.SNOMED: SNOMED_PATTERN,
    CodeSystem.RXNORM: RXNORM_PATTERN,
}
_CATEGORIES = {CodeSystem.ICD10CM: ICD10_CATEGORY, CodeSystem.ICD9CM: ICD9_CATEGORY}

# Verhoeff's dihedral group tables: the check digit every SNOMED CT identifier ends with.
_VERHOEFF_D = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
    [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
    [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
    [4, 0, 1, 2, 3, 9, 5, 6, 7, 8],
    [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
    [6, 5, 9, 8, 7, 1, 0, 4, 3, 2],
    [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
    [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
    [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
]
_VERHOEFF_P = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
    [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
    [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
    [9, 4, 5, 3, 1, 2, 6, 8, 7, 0],
    [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
    [2, 7, 9, 3, 8, 0, 6, 4, 1, 5],
    [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
]


def verhoeff_valid(digits):
    check = 0
    for position, digit in enumerate(reversed(digits)):
        check = _VERHOEFF_D[check][_VERHOEFF_P[position % 8][int(digit)]]
    return check == 0


def normalize(system, code):
    """
    ``code`` as stored and compared: ICD codes in capitals with their dot (``"d693"`` → ``"D69.3"``,
    ``"28731"`` → ``"287.31"``), SNOMED CT and RxNorm identifiers as digits. Raises :class:`InvalidCode`.
    """
    text = str(code).strip()
    if system in (CodeSystem.ICD10CM, CodeSystem.ICD9CM):
        compact = re.sub(r"[\s.]", "", text).upper()
        head = 4 if compact.startswith("E") and system == CodeSystem.ICD9CM else 3
        spelled = f"{compact[:head]}.{compact[head:]}" if len(compact) > head else compact
    else:
        spelled = text
    if not re.match(_PATTERNS[system], spelled):
        raise InvalidCode(f"“{text[:20]}” is not {A_CODE[system]}; codes look like “{EXAMPLES[system]}”.")
    if system == CodeSystem.SNOMED and not verhoeff_valid(spelled):
        raise InvalidCode(f"“{text[:20]}” is not a SNOMED CT identifier: its last digit (the check digit) is wrong.")
    return spelled


def category(code):
    """``"D83.9"`` → ``"D83"``, ``"E888.9"`` → ``"E888"``: the part before the dot."""
    return code.partition(".")[0]


def ancestors(code):
    """``"D69.31"`` → ``["D69.3", "D69"]``: the ICD codes above ``code``, nearest first."""
    head, _, detail = code.partition(".")
    found = [f"{head}.{detail[:length]}" for length in range(len(detail) - 1, 0, -1)]
    return [*found, head] if detail else []


def _format_rule(systems):
    rule = Q()
    for system in systems:
        rule |= Q(system=system, code__regex=_PATTERNS[system])
    return rule


def _range_rule():
    rule = Q(last_code="")
    for system, pattern in _CATEGORIES.items():
        rule |= Q(system=system, code__regex=pattern, last_code__regex=pattern, last_code__gt=F("code"))
    return rule


class Code(models.Model):
    """What the code lists of conditions and products share: a system, a code, and its official title."""

    system = models.CharField(_("code system"), max_length=10, choices=CodeSystem)
    code = models.CharField(
        _("code"),
        max_length=20,
        help_text=_("As the code system writes it, e.g. “D69.3” (ICD-10-CM), “32273002” (SNOMED CT)."),
    )
    title = models.CharField(
        _("official title"),
        max_length=200,
        blank=True,
        help_text=_(
            "The code's title in its code system, e.g. “Immune thrombocytopenic purpura” for D69.3. Health records "
            "send it with the code, so a request by this name also finds the page."
        ),
    )

    systems = ()

    class Meta:
        abstract = True

    def __str__(self):
        title = f" ({self.title})" if self.title else ""
        return f"{self.get_system_display()} {self.display_code}{title}"

    @property
    def display_code(self):
        return self.code

    def clean(self):
        super().clean()
        errors = {}
        if self.system and self.system not in self.systems:
            errors["system"] = _("Choose one of %(systems)s.") % {
                "systems": ", ".join(CodeSystem(system).label for system in self.systems)
            }
        elif self.system and self.code:
            try:
                self.code = normalize(self.system, self.code)
            except InvalidCode as error:
                errors["code"] = str(error)
        if errors:
            raise ValidationError(errors)


CONDITION_SYSTEMS = (CodeSystem.ICD10CM, CodeSystem.SNOMED, CodeSystem.ICD9CM)
PRODUCT_SYSTEMS = (CodeSystem.RXNORM,)


class ConditionCode(Code):
    systems = CONDITION_SYSTEMS

    condition = models.ForeignKey("articles.Condition", on_delete=models.CASCADE, related_name="codes")
    system = models.CharField(
        _("code system"),
        max_length=10,
        choices=[(system.value, system.label) for system in CONDITION_SYSTEMS],
        default=CodeSystem.ICD10CM,
    )
    last_code = models.CharField(
        _("through"),
        max_length=10,
        blank=True,
        help_text=_(
            "For a range of ICD categories only: the last category, e.g. “D84” with “D80” as the code covers every "
            "code from D80 to D84.9. Leave empty for a single code."
        ),
    )

    class Meta:
        ordering = ["system", "code"]
        verbose_name = _("condition code")
        verbose_name_plural = _("codes")
        constraints = [
            models.UniqueConstraint(
                fields=["condition", "system", "code"],
                name="unique_condition_code",
                violation_error_message=_("This condition already has this code."),
            ),
            models.CheckConstraint(
                condition=_format_rule(CONDITION_SYSTEMS),
                name="condition_code_format",
                violation_error_message=_("Enter a code as its code system writes it, e.g. “D69.3”."),
            ),
            models.CheckConstraint(
                condition=_range_rule(),
                name="condition_code_range",
                violation_error_message=_("A range runs from one ICD category to a later one, e.g. D80 to D84."),
            ),
        ]

    @property
    def display_code(self):
        return f"{self.code}–{self.last_code}" if self.last_code else self.code

    @property
    def is_range(self):
        return bool(self.last_code)

    def covers(self, code):
        """Whether ``code`` (normalized, same system) falls in this range's categories."""
        return self.is_range and self.code <= category(code) <= self.last_code

    def clean(self):
        super().clean()
        if not self.last_code:
            return
        pattern = _CATEGORIES.get(self.system)
        last = re.sub(r"\s", "", self.last_code).upper()
        if pattern is None:
            raise ValidationError({"last_code": _("Only ICD codes have ranges; leave this empty.")})
        if not re.match(pattern, self.code or "") or not re.match(pattern, last):
            raise ValidationError(
                {"last_code": _("A range runs from one category to another, without dots: e.g. “D80” to “D84”.")}
            )
        if last <= self.code:
            raise ValidationError({"last_code": _("The last category comes after the first, e.g. “D80” to “D84”.")})
        self.last_code = last


class ProductCode(Code):
    systems = PRODUCT_SYSTEMS

    product = models.ForeignKey("articles.Product", on_delete=models.CASCADE, related_name="codes")
    system = models.CharField(
        _("code system"),
        max_length=10,
        choices=[(system.value, system.label) for system in PRODUCT_SYSTEMS],
        default=CodeSystem.RXNORM,
    )
    code = models.CharField(
        _("code"),
        max_length=20,
        help_text=_("The RxNorm concept identifier (RXCUI), digits only, as RxNav shows it."),
    )
    title = models.CharField(
        _("official title"),
        max_length=200,
        blank=True,
        help_text=_("The concept's RxNorm name, e.g. the branded drug's full name."),
    )

    class Meta:
        ordering = ["system", "code"]
        verbose_name = _("product code")
        verbose_name_plural = _("codes")
        constraints = [
            models.UniqueConstraint(
                fields=["product", "system", "code"],
                name="unique_product_code",
                violation_error_message=_("This product already has this code."),
            ),
            models.CheckConstraint(
                condition=_format_rule(PRODUCT_SYSTEMS),
                name="product_code_format",
                violation_error_message=_("Enter an RxNorm identifier (RXCUI): digits only."),
            ),
        ]
