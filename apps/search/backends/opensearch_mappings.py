"""OpenSearch index settings and mappings: one index per type, the same fields in each.

Analysers: `folded_english` (ASCII folding + English possessives, stop words and stemming)
for full text; `autocomplete` (edge n-grams of folded words, 2–20 characters) at index time
for the search box, searched with `folded` so the typed prefix is not itself n-grammed.
"""

SETTINGS = {
    "number_of_shards": 1,
    "number_of_replicas": 0,
    "analysis": {
        "filter": {
            "english_stop": {"type": "stop", "stopwords": "_english_"},
            "english_stemmer": {"type": "stemmer", "language": "english"},
            "english_possessive_stemmer": {"type": "stemmer", "language": "possessive_english"},
            "edge_2_20": {"type": "edge_ngram", "min_gram": 2, "max_gram": 20},
        },
        "analyzer": {
            "folded_english": {
                "type": "custom",
                "tokenizer": "standard",
                "filter": [
                    "english_possessive_stemmer",
                    "lowercase",
                    "asciifolding",
                    "english_stop",
                    "english_stemmer",
                ],
            },
            "folded": {
                "type": "custom",
                "tokenizer": "standard",
                "filter": ["lowercase", "asciifolding"],
            },
            "autocomplete": {
                "type": "custom",
                "tokenizer": "standard",
                "filter": ["lowercase", "asciifolding", "edge_2_20"],
            },
        },
    },
}

_TEXT_WITH_AUTOCOMPLETE = {
    "type": "text",
    "analyzer": "folded_english",
    "fields": {
        "folded": {"type": "text", "analyzer": "folded"},
        "autocomplete": {
            "type": "text",
            "analyzer": "autocomplete",
            "search_analyzer": "folded",
        },
    },
}

MAPPINGS = {
    "dynamic": "strict",
    "properties": {
        "kind": {"type": "keyword"},
        "object_id": {"type": "long"},
        "title": _TEXT_WITH_AUTOCOMPLETE,
        "people": _TEXT_WITH_AUTOCOMPLETE,
        "subtitle": {"type": "text", "analyzer": "folded_english"},
        "body": {"type": "text", "analyzer": "folded_english"},
        "popularity": {"type": "float"},
        "owner_id": {"type": "long"},
        "privacy": {"type": "keyword"},
        "language": {"type": "keyword", "normalizer": "lowercase"},
        "year": {"type": "integer"},
        "rating": {"type": "float"},
        "genre_ids": {"type": "integer"},
        "genre_slugs": {"type": "keyword"},
        "isbns": {"type": "keyword"},
    },
}

INDEX_BODY = {"settings": SETTINGS, "mappings": MAPPINGS}
