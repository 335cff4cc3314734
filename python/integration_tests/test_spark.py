"""frost.integrations.spark for real: predict_batch_udf on Spark local[2]
scoring the Fashion-MNIST test set, rows handed over as 784 floats (which
the predict function reshapes to the model's [N,28,28,1])."""
import os
import sys

import numpy as np
import pandas as pd
import pytest
from pyspark.ml.functions import predict_batch_udf
from pyspark.sql import SparkSession
from pyspark.sql.types import ArrayType, FloatType

import frost.integrations.spark as frost_spark
from conftest import MODEL, check_scores


@pytest.fixture(scope="module")
def spark():
    os.environ["PYSPARK_PYTHON"] = sys.executable  # workers import frost from this environment
    session = (SparkSession.builder.master("local[2]").appName("frost-integration")
               .config("spark.ui.enabled", "false")
               .config("spark.sql.execution.arrow.pyspark.enabled", "true")
               .config("spark.driver.memory", "2g")
               .getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def test_predict_batch_udf_scores_fashion_mnist_like_keras(spark, fashion_test_set):
    images, labels, keras = fashion_test_set
    rows = pd.DataFrame({"index": np.arange(len(images)), "pixels": list(images.reshape(len(images), 784))})
    df = spark.createDataFrame(rows).repartition(4)
    classify = predict_batch_udf(frost_spark.make_predict_fn(str(MODEL)),
                                 return_type=ArrayType(FloatType()), batch_size=500, input_tensor_shapes=[[784]])
    scored = df.select("index", classify("pixels").alias("probs")).toPandas().sort_values("index")
    probs = np.stack(scored["probs"].to_numpy())
    assert probs.shape == (10000, 10)
    check_scores(np.argmax(probs, axis=1), labels, keras)

