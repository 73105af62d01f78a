"""Run the stages over one article: segment, extract every dimension, resolve in context."""
from __future__ import annotations

from schemas import Article, Extraction

from pipeline import resolve
from pipeline.extract import Context
from pipeline.extract import counts, dates, documents, officials
from pipeline.segment import segment


def process(article: Article) -> Extraction:
    article = resolve.publication(article)
    sentences = segment(article.text)
    ctx = Context(article=article, sentences=sentences)
    docs = documents.extract(ctx)
    cnts = counts.extract(ctx)
    dts = dates.extract(ctx, unit_check=counts.count_rules().unit_follows)
    positions = officials.extract(ctx)
    return Extraction(
        article=article,
        sentences=sentences,
        documents=resolve.resolve_documents(docs),
        dates=resolve.resolve_dates(article, dts),
        counts=cnts,
        positions=positions,
    )
