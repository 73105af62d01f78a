"""Run the stages over one article: segment, extract every dimension, resolve in context."""
from __future__ import annotations

from .schemas import Article, Extraction

from . import resolve
from .extract import Context
from .extract import counts, dates, deadlines, documents, links, officials
from .segment import segment


def process(article: Article) -> Extraction:
    article = resolve.publication(article)
    sentences = segment(article.text)
    ctx = Context(article=article, sentences=sentences)
    docs = documents.extract(ctx)
    cnts = counts.extract(ctx)
    dts = dates.extract(ctx, unit_check=counts.count_rules().unit_follows)
    positions = officials.extract(ctx)
    dts = resolve.resolve_dates(article, dts)
    docs = resolve.resolve_documents(docs, article.text, dts)
    return Extraction(
        article=article,
        sentences=sentences,
        documents=docs,
        dates=dts,
        counts=cnts,
        positions=positions,
        deadlines=deadlines.extract(ctx, dts, positions, officials.responsible_finder(ctx, positions)),
        links=links.extract(ctx, docs),
    )
