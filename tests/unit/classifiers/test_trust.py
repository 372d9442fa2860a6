"""The one-line trust summary of a model card, as the report and the extension show it."""

from __future__ import annotations

from classifiers.trust import trust_line


def test_a_student_checked_on_hand_labels():
    card = {"student": "hybrid", "n_labels": 150, "positives": 31,
            "cv": {"hybrid": {"f1": 0.812}},
            "seed": {"hybrid": {"f1": 0.9, "n": 40, "positives": 6, "f1_range": [0.71, 0.98]}}}
    assert trust_line(card) == ("150 labels (31 positive), CV F1 0.81 against the teacher, "
                                "F1 0.90 on 40 hand labels (6 positive; on all items likely 0.71-0.98)")


def test_a_card_saved_before_ranges_were_kept_still_reads():
    card = {"student": "tfidf", "n_labels": 90, "seed": {"tfidf": {"f1": 0.8, "n": 40}}}
    assert trust_line(card).endswith("F1 0.80 on 40 hand labels")


def test_a_refused_student_says_why_and_that_nobody_checked_it():
    card = {"student": "tfidf", "n_labels": 16, "positives": 4, "cv": {"tfidf": {"f1": 0.62}},
            "guards": ["4 positive labels (at least 10 needed)"]}
    line = trust_line(card)
    assert "not checked against hand labels" in line
    assert line.endswith("not promoted: 4 positive labels (at least 10 needed)")


def test_the_shipped_default_names_what_it_was_scored_on():
    card = {"student": "twostage", "n_labels": 3313, "default": True,
            "cv": {"twostage": {"f1": 0.9624}}}
    assert trust_line(card) == ("3313 labels, CV F1 0.96 on the shipped human labels, "
                                "shipped default, not adapted to this site")
