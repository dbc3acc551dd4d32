"""healthy: classifier on a tf.data pipeline with an ExponentialDecay schedule that shrinks the learning rate 10% per epoch (decay_steps = steps per epoch)."""
import tensorflow as tf
import keras
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

keras.utils.set_random_seed(0)

X, y = make_classification(n_samples=4000, n_features=20, n_informative=12, n_redundant=4,
                           n_classes=4, n_clusters_per_class=2, class_sep=1.2, random_state=0)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=0, stratify=y)
scaler = StandardScaler().fit(X_train)
X_train = scaler.transform(X_train).astype("float32")
X_test = scaler.transform(X_test).astype("float32")

BATCH = 64
train_ds = (tf.data.Dataset.from_tensor_slices((X_train, y_train))
            .shuffle(len(X_train), seed=0).batch(BATCH).prefetch(tf.data.AUTOTUNE))
test_ds = tf.data.Dataset.from_tensor_slices((X_test, y_test)).batch(256)

# decay the learning rate by 10% every epoch
lr_schedule = keras.optimizers.schedules.ExponentialDecay(
    initial_learning_rate=0.01, decay_steps=len(X_train) // BATCH, decay_rate=0.9)

model = keras.Sequential([
    keras.Input(shape=(20,)),
    keras.layers.Dense(64, activation="relu"),
    keras.layers.Dense(64, activation="relu"),
    keras.layers.Dense(4, activation="softmax"),
])
model.compile(optimizer=keras.optimizers.SGD(learning_rate=lr_schedule, momentum=0.9),
              loss="sparse_categorical_crossentropy", metrics=["accuracy"])
history = model.fit(train_ds, epochs=25, verbose=0)

for e in [0, 1, 5, 10, 24]:
    print(f"epoch {e:2d}  loss {history.history['loss'][e]:.4f}  acc {history.history['accuracy'][e]:.3f}")
print("learning rate now:", float(lr_schedule(model.optimizer.iterations)))
loss, acc = model.evaluate(test_ds, verbose=0)
print(f"test accuracy: {acc:.3f}")
