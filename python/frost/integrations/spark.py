"""Frost in Spark: a ``make_predict_fn`` for
``pyspark.ml.functions.predict_batch_udf``, which calls it once per Python
worker (the model is loaded once there) and the predict function it returns
once per batch of rows.

    from pyspark.ml.functions import predict_batch_udf
    from pyspark.sql.types import ArrayType, FloatType
    import frost.integrations.spark as frost_spark
    classify = predict_batch_udf(frost_spark.make_predict_fn("models/fashion_cnn/frozen_graph.pb"),
                                 return_type=ArrayType(FloatType()), batch_size=256,
                                 input_tensor_shapes=[[784]])
    df.withColumn("probs", classify("pixels"))        # pixels: array<float> of 784

predict_batch_udf needs input_tensor_shapes for array columns; with a flat
shape ([[784]]) the predict function reshapes the rows to the model input's
shape when that is known, or give the model's row shape ([[28, 28, 1]])."""
import frost as _frost

from ._batch import conform as _conform


def make_predict_fn(path, *, inputs=None, outputs=None, threads=1, **load_options):
    """Returns make_predict_fn for predict_batch_udf: a picklable function
    that loads `path` (frost.load with these options) and returns
    predict(*columns) -> array or {field: array}.

    inputs: model input names in the order of the UDF's columns (default: the
        model's inputs, in order).
    outputs: model output names. One output: predict returns its array (for an
        ArrayType or scalar return type); several: {output name: array}, for a
        StructType whose fields are the output names (pass {output: field} to
        name the fields otherwise; a {output: field} dict always gives a dict).
    threads: threads per run (1: Spark runs one Python worker per task
        slot). Other keyword arguments go to frost.load."""
    inputs = list(inputs) if inputs else None
    renames = dict(outputs) if isinstance(outputs, dict) else None
    fetch = list(outputs) if outputs else None

    def make():
        model = _frost.load(path, threads=threads, outputs=fetch, **load_options)
        infos = {info.name: info for info in model.inputs}
        names = inputs or [info.name for info in model.inputs]
        fields = renames or {o.name: o.name for o in model.outputs}

        def predict(*columns):
            if len(columns) != len(names):
                raise _frost.Error(f"predict got {len(columns)} column(s) for the inputs {names}")
            results = model.run({n: _conform(c, infos[n]) for n, c in zip(names, columns)}, outputs=list(fields))
            if renames is None and len(fields) == 1:
                return next(iter(results.values()))
            return {field: results[name] for name, field in fields.items()}

        return predict

    return make
