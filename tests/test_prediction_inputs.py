"""RUN007: inputs predicted on that sit on another scale than the training inputs."""

import textwrap

import numpy as np
import pytest

from nndoctor.intercept.prediction_inputs import call_shift, prediction_shift, record_prediction
from nndoctor.intercept.script import ScriptRecorder, execute
from nndoctor.result import Diagnosis

rng = np.random.default_rng(0)
RAW = rng.normal(loc=[50.0, 3.0, 700.0, 0.2], scale=[10.0, 1.0, 200.0, 0.05], size=(300, 4))
TRAIN = (RAW[:200] - RAW[:200].mean(0)) / RAW[:200].std(0)  # standardized with training statistics
TEST_RAW, TEST_SCALED = RAW[200:], (RAW[200:] - RAW[:200].mean(0)) / RAW[:200].std(0)


def _diagnosis(histogram=(50, 50)):
    return Diagnosis(task={"kind": "classification", "n_classes": 2, "framework": "torch"}, findings=[],
                     details={"model": {"output_activation": None, "loss": "sparse_categorical_crossentropy"},
                              "predictions": {"given": {"predicted_histogram": list(histogram)}}})


def _logits(classes):
    return np.eye(2)[classes] * 4.0


def test_raw_inputs_after_standardized_training_are_an_error_when_predictions_collapse():
    finding = prediction_shift(TRAIN, [(TEST_RAW, _logits(np.zeros(100, int)))], _diagnosis())
    assert (finding.code, finding.cause, finding.severity) == ("RUN007", "preprocessing-mismatch", "error")
    assert finding.evidence["median_mean_shift_in_train_stds"] > 10
    assert finding.evidence["total_variation"] == pytest.approx(0.5)


def test_shifted_inputs_with_unchanged_predictions_are_a_warning():
    balanced = _logits(np.arange(100) % 2)
    finding = prediction_shift(TRAIN, [(TEST_RAW, balanced)], _diagnosis())
    assert finding.severity == "warning"


def test_inputs_scaled_like_training_are_not_flagged():
    """The healthy twin: the same test samples, transformed with the training scaler."""
    assert not call_shift(TRAIN, TEST_SCALED)["moved"]
    assert prediction_shift(TRAIN, [(TEST_SCALED, _logits(np.zeros(100, int)))], _diagnosis()) is None
    # a handful of new samples is judged with a wider margin, raw ones still stand out
    assert not call_shift(TRAIN, TEST_SCALED[:3])["moved"]
    assert call_shift(TRAIN, TEST_RAW[:1])["moved"]


def test_a_scaled_validation_call_does_not_hide_a_raw_test_call():
    calls = [(TEST_SCALED, _logits(np.arange(100) % 2)), (TEST_RAW, _logits(np.zeros(100, int)))]
    finding = prediction_shift(TRAIN, calls, _diagnosis())
    assert finding.evidence["calls_shifted"] == 1 and finding.evidence["prediction_calls"] == 2


def test_record_prediction_keeps_at_most_its_caps():
    calls = []
    for _ in range(3):
        record_prediction(calls, np.zeros((8000, 2)), np.zeros((8000, 1)))
    record_prediction(calls, np.zeros((3, 2)), np.zeros((4, 1)))  # lengths differ: not a prediction
    assert len(calls) == 2


def test_torch_and_keras_predictions_are_recorded(tmp_path):
    import keras

    script = tmp_path / "predict.py"
    script.write_text(textwrap.dedent("""
        import numpy as np, torch, keras
        from torch import nn
        x, y = torch.randn(64, 3), torch.randint(0, 2, (64,))
        net = nn.Linear(3, 2)
        opt = torch.optim.SGD(net.parameters(), lr=0.1)
        for _ in range(2):
            opt.zero_grad(); nn.functional.cross_entropy(net(x), y).backward(); opt.step()
        with torch.no_grad():
            net(x * 100)
            for i in range(3):  # a helper that predicts one sample per call
                net(x[i:i + 1])
        model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, activation="softmax")])
        model.compile(loss="sparse_categorical_crossentropy")
        model.fit(x.numpy(), y.numpy(), epochs=1, verbose=0)
        model.predict(x.numpy()[:10] * 100, verbose=0)
        for i in range(3):
            model.predict(x.numpy()[i:i + 1], verbose=0)
    """))
    original = keras.Model.predict
    with ScriptRecorder() as recorder:
        code, error = execute(str(script), [])
    assert code == 0, error
    (x_torch, out_torch), *torch_ones = next(iter(recorder.torch.models.values())).predictions
    (x_keras, out_keras), *keras_ones = next(iter(recorder.keras.fits.values())).predictions
    assert x_torch.shape == (64, 3) and out_torch.shape == (64, 2)
    assert x_keras.shape == (10, 3) and out_keras.shape == (10, 2)
    # one call each, for RUN007 to pool
    assert [(x.shape, out.shape) for x, out in torch_ones + keras_ones] == [((1, 3), (1, 2))] * 6
    assert keras.Model.predict is original


def _min_max(x, reference):
    return (x - reference.min(0)) / (reference.max(0) - reference.min(0))


def test_a_few_samples_scaled_on_themselves_are_flagged():
    """The scaler fitted again on 12 new samples: every feature spans exactly [0, 1] there,
    which no 12 training samples (scaled with the training range) do."""
    train = _min_max(RAW[:200], RAW[:200])
    new = RAW[200:212] + [8.0, 0.0, 0.0, 0.0]  # a little off the training distribution
    finding = prediction_shift(train, [(_min_max(new, new), _logits(np.zeros(12, int)))], _diagnosis())
    assert finding is not None and finding.cause == "preprocessing-mismatch"
    assert finding.evidence["scaled_on_itself"] and finding.evidence["scaled_on_itself_share"] == 1.0
    assert "fit_transform" in finding.fix
    standardized = (new - new.mean(0)) / new.std(0)
    assert call_shift(TRAIN, standardized)["scaled_on_itself"]


def test_samples_scaled_with_the_training_scaler_are_not_scaled_on_themselves():
    """The healthy twins: the same samples through the training scaler; and data whose values
    are few (pixels / 16), where any subset spans the full range as well."""
    train = _min_max(RAW[:200], RAW[:200])
    new = RAW[200:212]
    assert not call_shift(train, _min_max(new, RAW[:200]))["moved"]
    assert prediction_shift(train, [(_min_max(new, RAW[:200]), _logits(np.zeros(12, int)))], _diagnosis()) is None
    pixels = rng.integers(0, 17, size=(300, 16)) / 16
    shift = call_shift(pixels[:200], pixels[200:])
    assert not shift.get("scaled_on_itself") and not shift["moved"]
    assert not call_shift(TRAIN, TRAIN)["moved"]  # the training data itself


def test_a_batch_of_one_class_is_judged_against_that_class():
    """A per-class report predicts each class's test samples in their own call: one class's
    inputs differ from the whole training set, not from that class's training inputs. With the
    training labels, a call the model assigns to class 1 is compared with class 1; the same
    inputs on another scale match no class and stay flagged."""
    labels = np.r_[np.zeros(200, int), np.ones(200, int)]
    x = np.r_[rng.normal(-2.0, 1.0, size=(200, 4)), rng.normal(2.0, 1.0, size=(200, 4))]
    ones = rng.normal(2.0, 1.0, size=(40, 4))
    assert call_shift(x, ones)["moved"]  # against the whole training set it moved
    assert prediction_shift(x, [(ones, _logits(np.ones(40, int)))], _diagnosis(), labels) is None
    shifted = prediction_shift(x, [(ones * 50.0, _logits(np.ones(40, int)))], _diagnosis(), labels)
    assert shifted is not None and shifted.code == "RUN007"
    # without the labels, the call is judged against all of the training inputs
    assert prediction_shift(x, [(ones, _logits(np.ones(40, int)))], _diagnosis()) is not None


def _one_at_a_time(samples, classes):
    """A helper called once per sample: one call of one sample each."""
    return [(row[None], _logits(np.array([k]))) for row, k in zip(samples, classes)]


def _own_z_score(row, ddof=0):
    return (row - row.mean()) / row.std(ddof=ddof)


def test_one_sample_calls_z_scored_on_themselves_are_pooled_and_flagged():
    """A `predict_one()` helper standardizes each sample by its own mean and std instead of the
    training scaler's. One sample is too few to judge, 40 of them pooled are not: every pooled
    sample has mean 0 and std 1 across its own features, which training samples do not."""
    for ddof in (0, 1):  # numpy's std and torch's (n - 1)
        calls = _one_at_a_time([_own_z_score(row, ddof) for row in RAW[200:240]], np.zeros(40, int))
        assert not any(call_shift(TRAIN, x)["moved"] for x, _ in calls)  # alone, no call stands out
        finding = prediction_shift(TRAIN, calls, _diagnosis())
        assert finding is not None and (finding.code, finding.cause) == ("RUN007", "preprocessing-mismatch")
        evidence = finding.evidence
        assert evidence["pooled_calls"] == evidence["calls_shifted"] == evidence["pooled_samples"] == 40
        assert evidence["samples_scaled_on_themselves"] and evidence["samples_scaled_on_themselves_share"] == 1.0
        assert evidence["training_samples_share"] == 0.0
        assert finding.severity == "error" and "own" in finding.fix  # every sample in class 0: collapsed


def test_raw_single_samples_are_pooled_and_flagged():
    """Raw samples typed in one at a time: off by some 2 training stds each (under the 3 stds
    that one sample needs), by far more than the 1 std two samples of the same data stay
    under, once pooled. Far-off raw samples are flagged alone already and pooled as well."""
    near = rng.normal(loc=2.0, scale=0.5, size=(30, 4))  # features already near unit scale, not centred
    calls = _one_at_a_time(near, np.arange(30) % 2)
    assert not any(call_shift(TRAIN, x)["moved"] for x, _ in calls)
    finding = prediction_shift(TRAIN, calls, _diagnosis())
    assert finding is not None and finding.cause == "preprocessing-mismatch"
    assert finding.evidence["pooled_calls"] == 30 and finding.evidence["median_mean_shift_in_train_stds"] > 1
    assert finding.evidence["mean_shift_threshold_in_train_stds"] == 1.0
    assert finding.severity == "warning"  # the predictions did not collapse
    far = prediction_shift(TRAIN, [(TEST_SCALED, _logits(np.arange(100) % 2))]
                           + _one_at_a_time(TEST_RAW[:30], np.zeros(30, int)), _diagnosis())
    assert far.evidence["calls_shifted"] == far.evidence["pooled_calls"] == 30 and far.severity == "error"


def test_one_sample_calls_scaled_with_the_training_scaler_are_not_flagged():
    """The healthy twins: the same helper with the training scaler; one sample predicted over
    and over (a timing loop: one sample, not a set with no spread); and a model trained on
    samples normalized each by its own statistics, where new samples normalized so belong."""
    assert prediction_shift(TRAIN, _one_at_a_time(TEST_SCALED[:40], np.zeros(40, int)), _diagnosis()) is None
    assert prediction_shift(TRAIN, _one_at_a_time(TEST_SCALED[[0] * 30], np.zeros(30, int)), _diagnosis()) is None
    signals = np.array([_own_z_score(row) for row in rng.normal(5.0, 2.0, size=(240, 16))])
    calls = _one_at_a_time(signals[200:], np.zeros(40, int))
    assert prediction_shift(signals[:200], calls, _diagnosis()) is None
