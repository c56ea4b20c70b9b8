"""
The content model, one module per concept: conditions, contributors, products and their
side effects, and articles with their workflow records.
"""

from .articles import ARTICLE_VERSION_FIELDS, Article, ArticleEvent, ArticleQuerySet, ArticleSideEffect, FactCheck
from .conditions import ICD10_PATTERN, Condition, ConditionQuerySet
from .contributors import Contributor
from .products import Frequency, Product, ProductApproval, ProductQuerySet, ProductSideEffect, SideEffect

__all__ = [
    "ARTICLE_VERSION_FIELDS",
    "ICD10_PATTERN",
    "Article",
    "ArticleEvent",
    "ArticleQuerySet",
    "ArticleSideEffect",
    "Condition",
    "ConditionQuerySet",
    "Contributor",
    "FactCheck",
    "Frequency",
    "Product",
    "ProductApproval",
    "ProductQuerySet",
    "ProductSideEffect",
    "SideEffect",
]
