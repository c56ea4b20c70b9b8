"""
The content model, one module per concept: conditions, contributors, products and their
side effects, and articles. Every one of them is reviewed content (see the ``review`` app).
"""

from .articles import Article, ArticleQuerySet, ArticleSideEffect
from .conditions import ICD10_PATTERN, Condition
from .contributors import Contributor
from .products import Frequency, Product, ProductApproval, ProductQuerySet, ProductSideEffect, SideEffect

__all__ = [
    "ICD10_PATTERN",
    "Article",
    "ArticleQuerySet",
    "ArticleSideEffect",
    "Condition",
    "Contributor",
    "Frequency",
    "Product",
    "ProductApproval",
    "ProductQuerySet",
    "ProductSideEffect",
    "SideEffect",
]
