"""tenancy.text: one normalisation for typed text, and the search key PostgreSQL computes the same
way as Python (issue 16)."""

import pytest
from django.db import connection

from tenancy.text import (
    WORD,
    fold_apostrophes,
    normalise,
    search_key,
    search_key_sql,
    search_words,
)


def test_normalise_is_nfc_with_unix_line_endings():
    assert normalise("Zoe\u0308\r\nline\rend") == "Zoë\nline\nend"
    assert normalise(None) == ""
    assert normalise(normalise("Zoe\u0308")) == "Zoë"


def test_fold_apostrophes_keeps_the_length():
    text = "didn’t o’clock weʼll"
    assert fold_apostrophes(text) == "didn't o'clock we'll"
    assert len(fold_apostrophes(text)) == len(text)


def test_words_are_unicode_letters_with_inner_apostrophes_and_hyphens():
    text = "Zoë O’Brien’s café, Mary-Jane and Łukasz; 3rd_place 'quoted'"
    assert WORD.findall(text) == [
        "Zoë",
        "O’Brien’s",
        "café",
        "Mary-Jane",
        "and",
        "Łukasz",
        "rd",
        "place",
        "quoted",
    ]


@pytest.mark.parametrize(
    "typed,key",
    [
        ("Zoë O'Brien", "zoe obrien"),
        ("ZOË O’BRIEN", "zoe obrien"),
        ("Zoe\u0308", "zoe"),
        ("Mary-Jane", "mary jane"),
        ("Siân Łukasz Øystein Đorđe", "sian lukasz oystein dorde"),
    ],
)
def test_search_key_folds_accents_case_and_apostrophes(typed, key):
    assert search_key(typed) == key


def test_search_words_of_a_search_box():
    assert search_words("  O’Brien  zoë ") == ["obrien", "zoe"]
    assert search_words("'") == []


@pytest.mark.django_db
def test_postgresql_folds_exactly_as_python():
    names = [
        "Zoë O'Brien",
        "ZOË O’BRIEN",
        "Zoe\u0308 d’Arcy-Smith",
        "Siân Łukasz Øystein Đorđe Ngọc Ảnh",
        "Ærin Straße Смирнов 王 আমি",
    ]
    from django.db.models import Value

    with connection.cursor() as cursor:
        for name in names:
            expression = search_key_sql(Value(name))
            from django.db.models.sql import Query

            query = Query(None)
            sql, params = expression.resolve_expression(query).as_sql(
                query.get_compiler(connection=connection), connection
            )
            cursor.execute(f"SELECT {sql}", params)
            assert cursor.fetchone()[0] == search_key(name), name
