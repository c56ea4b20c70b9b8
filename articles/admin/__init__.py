"""The editors' workplace: one module for the reference content, one for articles."""

from .articles import ArticleAdmin
from .content import ConditionAdmin, ContributorAdmin, ProductAdmin, SideEffectAdmin

__all__ = ["ArticleAdmin", "ConditionAdmin", "ContributorAdmin", "ProductAdmin", "SideEffectAdmin"]
