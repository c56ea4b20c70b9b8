"""
The content model, one module per concept: conditions, contributors, products and their
side effects, and articles. Every one of them is reviewed content (see the ``review`` app).
"""

from .articles import Article, ArticleQuerySet, ArticleSideEffect
from .codes import ICD10_PATTERN, CodeSystem, ConditionCode, InvalidCode, ProductCode
from .conditions import Condition
from .contributors import Contributor
from .products import Frequency, Product, ProductApproval, ProductQuerySet, ProductSideEffect, SideEffect

__all__ = [
    "ICD10_PATTERN",
    "Article",
    "ArticleQuerySet",
    "ArticleSideEffect",
    "CodeSystem",
    "Condition",
    "ConditionCode",
    "Contributor",
    "Frequency",
    "InvalidCode",
    "Product",
    "ProductApproval",
    "ProductCode",
    "ProductQuerySet",
    "ProductSideEffect",
    "SideEffect",
]
