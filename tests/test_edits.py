import pytest

from restore.edits import Edit, apply_edits, match_case


@pytest.mark.parametrize("spun, original, expected", [
    ("Struggle", "war", "War"), ("struggle", "war", "war"), ("Chinese language", "Chinese", "Chinese"),
    ("STRUGGLE", "war", "WAR"), ("Birthday party", "party", "Party"), ("A", "an", "An"),
])
def test_match_case(spun, original, expected):
    assert match_case(spun, original) == expected


def test_apply_edits_touches_only_the_spans():
    text = "“Nuclear guns,”\n  said the\tofficial – twice."
    s = text.index("guns")
    out = apply_edits(text, [Edit(s, s + 4, "guns", "weapons", 0.9)])
    assert out == text.replace("guns", "weapons")


def test_apply_edits_rejects_overlap_and_mismatch():
    with pytest.raises(ValueError, match="overlapping"):
        apply_edits("abc def", [Edit(0, 3, "abc", "x", 1), Edit(2, 7, "c def", "y", 1)])
    with pytest.raises(ValueError, match="does not match"):
        apply_edits("abc def", [Edit(0, 3, "xyz", "x", 1)])


def test_match_style_keeps_curly_apostrophes():
    from restore.edits import match_style
    assert match_style("Staff’ Birthday party", "Workers' Party") == "Workers’ Party"
    assert match_style("Staff' Birthday party", "Workers' Party") == "Workers' Party"
