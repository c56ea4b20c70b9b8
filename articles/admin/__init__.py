"""The editors' workplace: one module for the reference content, one for articles and their workflow."""

from .articles import ArticleAdmin, FactCheckAdmin
from .content import ConditionAdmin, ContributorAdmin, ProductAdmin, ReviewerPublishesMixin, SideEffectAdmin

__all__ = [
    "ArticleAdmin",
    "ConditionAdmin",
    "ContributorAdmin",
    "FactCheckAdmin",
    "ProductAdmin",
    "ReviewerPublishesMixin",
    "SideEffectAdmin",
]
