"""Batch scoring with Frost inside existing distributed engines, with no
extra C++: each worker process loads the model once and scores NumPy batches.

    frost.integrations.ray    Predictor, a callable class for Ray Data's map_batches
    frost.integrations.spark  make_predict_fn, for pyspark.ml.functions.predict_batch_udf

Neither Ray nor PySpark is a dependency of frost: these modules only need
them at the point where they are used with them."""
