"""Scripts written the way users write them, each with one fault (or none), run through
`nndoctor run`: a measure of the run mode on cases the rules were not written from.

``CASES`` lists each script with its true cause and the answer nndoctor gave the first time it
saw the script (before any change made because of it), so that the table shows both what was
caught on first sight and what is caught now. Run ``python -m benchmarks.user_scripts``.
"""

EARLY = [  # (path from the repository root, true cause, first answer)
    # rounds 1-2 (session 5): several of this session's rules were written after these answers
    ("benchmarks/user_scripts/cases/keras_no_epochs.py", "undertrained", "undertrained"),
    ("benchmarks/user_scripts/cases/keras_logits_no_from_logits.py", "output-activation-mismatch",
     "output-activation-mismatch"),
    ("examples/gallery/torch_detached_loss.py", "parameters-not-updating", "undertrained"),
    ("benchmarks/user_scripts/cases/torch_softmax_nll.py", "output-activation-mismatch", "output-activation-mismatch"),
    ("examples/gallery/torch_sorted_loader.py", "sorted-data-split", "undertrained"),
    ("benchmarks/user_scripts/cases/keras_sgd_lr_high.py", "lr-too-high", "lr-too-high"),
    ("examples/gallery/torch_test_unscaled.py", "preprocessing-mismatch", "healthy"),
    ("benchmarks/user_scripts/cases/keras_labels_one_based.py", "label-encoding-mismatch", "label-encoding-mismatch"),
    ("benchmarks/user_scripts/cases/keras_imbalanced.py", "class-imbalance", "class-imbalance"),
    ("benchmarks/user_scripts/cases/torch_lr_too_low.py", "lr-too-low", "lr-too-low"),
    ("examples/gallery/keras_predict_raw.py", "preprocessing-mismatch", None),  # written with its rule
    ("benchmarks/user_scripts/cases/torch_unscaled_targets.py", "unscaled-targets", "unscaled-targets"),
    ("benchmarks/user_scripts/cases/keras_two_softmax_bce.py", "label-encoding-mismatch", "label-encoding-mismatch"),
    ("benchmarks/user_scripts/cases/keras_categorical_int_labels.py", "label-encoding-mismatch",
     "label-encoding-mismatch"),
    ("benchmarks/user_scripts/cases/torch_nan_target.py", "nan-in-data", "nan-in-data"),
    ("examples/gallery/torch_head_replaced_after_optimizer.py", "parameters-not-updating", "gradient-accumulation"),
    ("benchmarks/user_scripts/cases/torch_bce_shape.py", "shape-broadcast", "no-signal"),
    ("benchmarks/user_scripts/cases/keras_sigmoid_regression.py", "output-activation-mismatch", "capacity-bottleneck"),
    ("benchmarks/user_scripts/cases/keras_deep_sigmoid.py", "vanishing-gradients", "vanishing-gradients"),
    ("benchmarks/user_scripts/cases/torch_zero_init.py", "symmetric-init", "symmetric-init"),
    ("examples/gallery/torch_scheduler_every_batch.py", "lr-too-low", "capacity-bottleneck"),
    ("benchmarks/user_scripts/cases/torch_float_labels_ce.py", "label-encoding-mismatch", "unreliable-evaluation"),
    ("benchmarks/user_scripts/cases/keras_bce_multiclass.py", "output-activation-mismatch", "undertrained"),
    ("benchmarks/user_scripts/cases/keras_relu_output.py", "output-activation-mismatch", "capacity-bottleneck"),
    ("benchmarks/user_scripts/cases/keras_no_flatten.py", "label-encoding-mismatch", "label-encoding-mismatch"),
    ("benchmarks/user_scripts/cases/torch_training_under_no_grad.py", "parameters-not-updating", "healthy"),
    ("benchmarks/user_scripts/cases/keras_frozen.py", "parameters-not-updating", "parameters-not-updating"),
    ("benchmarks/user_scripts/cases/keras_sorted_no_shuffle.py", "sorted-data-split", "sorted-data-split"),
    ("benchmarks/user_scripts/cases/keras_linear_hidden.py", "capacity-bottleneck", "undertrained"),
    ("benchmarks/user_scripts/cases/keras_full_batch.py", "undertrained", "undertrained"),
    ("benchmarks/user_scripts/cases/keras_ones_init.py", "symmetric-init", "symmetric-init"),
    # healthy twins of rounds 1-2
    ("benchmarks/user_scripts/cases/torch_val_without_no_grad.py", "healthy", "healthy"),
    ("benchmarks/user_scripts/cases/torch_sorted_shuffled.py", "healthy", "healthy"),
    ("benchmarks/user_scripts/cases/torch_test_scaled.py", "healthy", "healthy"),
    ("benchmarks/user_scripts/cases/keras_predict_scaled.py", "healthy", "healthy"),
    ("examples/gallery/torch_healthy_cosine_schedule.py", "healthy", "inconclusive"),  # lr 0 crashed the diagnosis
    ("benchmarks/user_scripts/cases/torch_iris_healthy.py", "healthy", "healthy"),
]

HELD_OUT = [  # rounds 3-8: written after the rules before them, answered before any change made for them
    ("benchmarks/user_scripts/cases/torch_detach_outputs.py", "parameters-not-updating", "no-signal"),
    ("benchmarks/user_scripts/cases/torch_optimizer_of_other_model.py", "parameters-not-updating",
     "parameters-not-updating"),
    ("benchmarks/user_scripts/cases/torch_exponential_lr_per_batch.py", "lr-too-low", "lr-too-low"),
    ("benchmarks/user_scripts/cases/keras_predict_new_raw_samples.py", "preprocessing-mismatch",
     "preprocessing-mismatch"),
    ("benchmarks/user_scripts/cases/torch_test_loader_unscaled.py", "preprocessing-mismatch", "preprocessing-mismatch"),
    ("benchmarks/user_scripts/cases/keras_relu_regression_output.py", "output-activation-mismatch",
     "output-activation-mismatch"),
    ("benchmarks/user_scripts/cases/torch_softmax_bce_onehot.py", "output-activation-mismatch",
     "output-activation-mismatch"),
    ("benchmarks/user_scripts/cases/keras_tanh_output_probabilities.py", "output-activation-mismatch",
     "output-activation-mismatch"),
    ("benchmarks/user_scripts/cases/torch_empty_parameter_list.py", "parameters-not-updating", "healthy"),
    ("benchmarks/user_scripts/cases/torch_steplr_per_epoch_healthy.py", "healthy", "healthy"),
    ("benchmarks/user_scripts/cases/torch_frozen_base_healthy.py", "healthy", "healthy"),
    ("benchmarks/user_scripts/cases/keras_predict_new_scaled_healthy.py", "healthy", "healthy"),
    # round 4: written after the round-3 fixes
    ("examples/gallery/keras_tfdata_softmax_one_unit.py", "output-activation-mismatch", "inconclusive"),
    ("benchmarks/user_scripts/cases/torch_ce_target_column.py", "label-encoding-mismatch", "healthy"),
    ("benchmarks/user_scripts/cases/keras_adam_lr_half.py", "lr-too-high", "lr-too-high"),
    ("benchmarks/user_scripts/cases/torch_l1_shape_broadcast.py", "shape-broadcast", "shape-broadcast"),
    ("benchmarks/user_scripts/cases/keras_nan_feature.py", "nan-in-data", "nan-in-data"),
    ("benchmarks/user_scripts/cases/keras_string_labels.py", "label-encoding-mismatch", "healthy"),
    ("benchmarks/user_scripts/cases/torch_eval_before_training_healthy.py", "healthy", "healthy"),
    # round 5 (session 6): written after all of the above, answered before any change made for them
    ("benchmarks/user_scripts/cases/torch_bn_dropout_eval_in_function.py", "train-mode-at-inference",
     "label-encoding-mismatch"),  # the recorder compared waiting tensors with == and crashed the script
    ("benchmarks/user_scripts/cases/torch_zero_grad_once.py", "gradient-accumulation", "bad-init-scale"),
    ("benchmarks/user_scripts/cases/keras_shuffle_x_only.py", "no-signal", "healthy"),
    ("benchmarks/user_scripts/cases/keras_mse_digit_labels.py", "wrong-loss-for-task", "wrong-loss-for-task"),
    ("benchmarks/user_scripts/cases/torch_raw_breast_cancer_sgd.py", "unscaled-inputs", "undertrained"),
    ("benchmarks/user_scripts/cases/keras_large_normal_init.py", "bad-init-scale", "bad-init-scale"),
    ("benchmarks/user_scripts/cases/keras_validation_on_eight.py", "unreliable-evaluation", "unreliable-evaluation"),
    ("benchmarks/user_scripts/cases/torch_adam_lr_one.py", "lr-too-high", "dead-relu"),
    ("benchmarks/user_scripts/cases/torch_bn_dropout_eval_healthy.py", "healthy", "label-encoding-mismatch"),
    ("benchmarks/user_scripts/cases/torch_accumulate_on_purpose_healthy.py", "healthy", "healthy"),
    ("benchmarks/user_scripts/cases/keras_rating_regression_healthy.py", "healthy", "wrong-loss-for-task"),
    # round 6 (session 6): written after the round-5 fixes, answered before any change made for them
    ("benchmarks/user_scripts/cases/torch_softmax_in_forward.py", "output-activation-mismatch", "undertrained"),
    ("benchmarks/user_scripts/cases/torch_labels_one_based.py", "label-encoding-mismatch", "label-encoding-mismatch"),
    ("benchmarks/user_scripts/cases/torch_rare_positive_class.py", "class-imbalance", "class-imbalance"),
    ("benchmarks/user_scripts/cases/torch_thirty_digits.py", "too-little-data", "healthy"),
    ("benchmarks/user_scripts/cases/keras_log_of_zero_feature.py", "nan-in-data", "healthy"),  # diagnose() crashed
    ("benchmarks/user_scripts/cases/torch_zero_grad_after_backward.py", "parameters-not-updating",
     "parameters-not-updating"),
    ("benchmarks/user_scripts/cases/torch_logits_healthy_class.py", "healthy", "healthy"),
    ("benchmarks/user_scripts/cases/keras_two_unit_softmax_onehot_healthy.py", "healthy", "healthy"),
    ("benchmarks/user_scripts/cases/torch_cnn_digits_healthy.py", "healthy", "healthy"),
    ("benchmarks/user_scripts/cases/keras_functional_healthy.py", "healthy", "healthy"),
    # round 7 (session 6): written after the round-6 fixes, answered before any change made for them
    ("benchmarks/user_scripts/cases/torch_sigmoid_with_bce_logits.py", "output-activation-mismatch",
     "output-activation-mismatch"),
    ("benchmarks/user_scripts/cases/keras_adam_lr_1e6.py", "lr-too-low", "lr-too-low"),
    ("benchmarks/user_scripts/cases/keras_predict_with_training_true.py", "train-mode-at-inference", "healthy"),
    ("benchmarks/user_scripts/cases/torch_full_batch_five_steps.py", "undertrained", "undertrained"),
    ("benchmarks/user_scripts/cases/torch_relu_output_regression.py", "output-activation-mismatch",
     "output-activation-mismatch"),
    ("benchmarks/user_scripts/cases/torch_labels_off_by_one_row.py", "no-signal", "healthy"),
    ("benchmarks/user_scripts/cases/keras_imbalanced_with_class_weight_healthy.py", "healthy", "healthy"),
    ("benchmarks/user_scripts/cases/torch_regression_healthy.py", "healthy", "healthy"),
    # round 8 (session 6): written after the round-7 fixes, answered before any change made for them
    ("benchmarks/user_scripts/cases/keras_minmax_fit_on_test.py", "preprocessing-mismatch", "healthy"),
    ("benchmarks/user_scripts/cases/keras_sgd_momentum_lr_5.py", "lr-too-high", "lr-too-high"),
    ("benchmarks/user_scripts/cases/keras_sparse_ce_one_unit_sigmoid.py", "output-activation-mismatch",
     "label-encoding-mismatch"),
    ("benchmarks/user_scripts/cases/torch_step_before_backward.py", "parameters-not-updating",
     "parameters-not-updating"),
    ("benchmarks/user_scripts/cases/torch_crossentropy_on_onehot_float_healthy.py", "healthy", "healthy"),
    ("benchmarks/user_scripts/cases/torch_weight_decay_healthy.py", "healthy", "inconclusive"),  # AdamW not rebuilt
]

CASES = EARLY + HELD_OUT
