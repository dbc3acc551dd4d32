"""Every registered rule: a unique code, a known cause, a documented docstring, and a faulty
run that must trigger it plus a healthy twin that must not (in both frameworks, through the
``framework`` fixture)."""

import importlib
import pkgutil
from pathlib import Path

import pytest

from nndoctor.causes import CAUSES
from nndoctor.rules import all_rules
from nndoctor.rules._base import DOC_HEADINGS

# cause -> (faulty-run tests, healthy-twin tests), as "module::function". Test modules under
# tests/rules/ may declare their own COVERAGE dict; all are merged below.
COVERAGE = {
    "undertrained": (["test_undertrained::test_untrained_model_is_undertrained"],
                     ["test_undertrained::test_trained_twin_is_not_undertrained"]),
    "lr-too-high": (["test_learning_rate::test_absurd_sgd_lr_is_lr_too_high",
                     "test_learning_rate::test_seed_regression_large_lr_oscillates_small_lr_does_not",
                     "test_learning_rate::test_a_model_trained_at_a_huge_lr_is_lr_too_high_by_its_weights",
                     "test_learning_rate::test_a_model_whose_training_blew_up_is_diagnosed_from_a_fresh_start"],
                    ["test_learning_rate::test_good_lr_twin_has_no_lr_finding",
                     "test_learning_rate::test_a_model_trained_at_a_sound_lr_is_not_lr_too_high"]),
    "lr-too-low": (["test_learning_rate::test_tiny_lr_is_lr_too_low"],
                   ["test_learning_rate::test_good_lr_twin_has_no_lr_finding"]),
    "symmetric-init": (["test_init::test_constant_init_is_symmetric_init",
                        "test_init::test_zero_init_is_symmetric_init"],
                       ["test_init::test_default_init_twin_has_no_init_finding"]),
    "bad-init-scale": (["test_init::test_huge_init_is_bad_init_scale"],
                       ["test_init::test_default_init_twin_has_no_init_finding"]),
    "nan-in-data": (["test_data_rules::test_nan_in_a_feature_is_nan_in_data"],
                    ["test_data_rules::test_finite_data_twin_rules_out_nan"]),
    "too-little-data": (["test_data_rules::test_seed_insufficient_vs_sufficient_data"],
                        ["test_data_rules::test_seed_insufficient_vs_sufficient_data"]),
    "unreliable-evaluation": (["test_data_rules::test_seed_insufficient_vs_sufficient_data",
                               "test_data_rules::test_a_validation_set_of_repeated_rows_is_unreliable_evaluation"],
                              ["test_data_rules::test_seed_insufficient_vs_sufficient_data",
                               "test_data_rules::test_a_validation_set_of_repeated_rows_is_unreliable_evaluation"]),
    "class-imbalance": (["test_data_rules::test_majority_collapse_is_class_imbalance"],
                        ["test_data_rules::test_imbalanced_but_separable_twin_is_not_flagged"]),
    "label-noise": (["experiments.test_must_hold::test_thirty_percent_noisy_labels_are_estimated_within_ten_points"],
                    ["experiments.test_must_hold::test_clean_labels_twin_has_no_label_noise"]),
    "no-signal": (["experiments.test_must_hold::test_permuted_labels_are_no_signal"],
                  ["experiments.test_must_hold::test_clean_labels_twin_has_no_label_noise"]),
}


for _info in pkgutil.iter_modules([str(Path(__file__).parent)]):
    if _info.name.startswith("test_") and _info.name != "test_registry":
        _module = importlib.import_module(f"{__package__}.{_info.name}")
        for _cause, (_faulty, _healthy) in getattr(_module, "COVERAGE", {}).items():
            _known = COVERAGE.setdefault(_cause, ([], []))
            _known[0].extend(_faulty)
            _known[1].extend(_healthy)


@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: r.code)
def test_rule_is_documented_and_known(rule):
    assert rule.cause in CAUSES
    for heading in DOC_HEADINGS:
        assert rule.doc_section(heading), f"{rule.code}: empty '## {heading}'"
    assert rule.summary and rule.summary == rule.summary.strip()


def test_codes_are_unique():
    codes = [rule.code for rule in all_rules()]
    assert len(codes) == len(set(codes))


@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: r.code)
def test_rule_has_a_faulty_run_and_a_healthy_twin_in_both_frameworks(rule):
    assert rule.cause in COVERAGE, f"{rule.code} ({rule.cause}) has no faulty/healthy tests listed"
    for names in COVERAGE[rule.cause]:
        assert names
        for name in names:
            module_name, function = name.split("::")
            # "test_x" lives in tests/rules; "experiments.test_y" elsewhere under tests/
            package = __package__ if "." not in module_name else __package__.rsplit(".", 1)[0]
            module = importlib.import_module(f"{package}.{module_name}")
            test = getattr(module, function)
            assert "framework" in test.__code__.co_varnames, f"{name} must run in both frameworks"
