"""Frost in Ray Data: a callable class for ``Dataset.map_batches``, so that
each actor of the pool loads the model once and scores every batch it gets.

    import ray, frost.integrations.ray as frost_ray
    ds = ray.data.from_numpy(images)                  # column "data"
    scored = ds.map_batches(frost_ray.Predictor, batch_format="numpy", batch_size=256, concurrency=2,
                            fn_constructor_kwargs={"path": "models/fashion_cnn/frozen_graph.pb",
                                                   "inputs": {"data": "conv2d_input"},
                                                   "outputs": {"activation_3/Softmax": "probs"}})

Each actor runs `threads` threads (1 by default: Ray schedules one
CPU per actor, so parallelism comes from the number of actors)."""
import frost as _frost

from ._batch import conform as _conform


class Predictor:
    """Loads `path` with frost.load once (per actor) and maps a batch
    {column: array} to the same batch plus one column per model output.

    inputs: {column: model input name}; default: every model input is read
        from the column of the same name, or, for a one-input model, from the
        batch's only column.
    outputs: {model output name: column}; default: the model's outputs, each
        under its own name.
    threads: threads per run. Other keyword arguments go to frost.load.
    Columns are converted to the input's dtype and reshaped to its shape when
    only the row layout differs (28x28 images for a [N,28,28,1] input)."""

    def __init__(self, path, *, inputs=None, outputs=None, threads=1, **load_options):
        fetch = list(outputs) if outputs else None
        self.model = _frost.load(path, threads=threads, outputs=fetch, **load_options)
        self.infos = {info.name: info for info in self.model.inputs}
        self.inputs = dict(inputs) if inputs else None
        self.outputs = dict(outputs) if outputs else {o.name: o.name for o in self.model.outputs}

    def _feeds(self, batch):
        mapping = self.inputs
        if mapping is None:
            if all(name in batch for name in self.infos):
                mapping = {name: name for name in self.infos}
            elif len(self.infos) == 1 and len(batch) == 1:
                mapping = {next(iter(batch)): next(iter(self.infos))}
            else:
                raise _frost.Error(f"cannot tell which columns of {sorted(batch)} feed the inputs "
                                   f"{sorted(self.infos)}: pass inputs={{column: input}}")
        return {name: _conform(batch[column], self.infos[name]) for column, name in mapping.items()}

    def __call__(self, batch):
        results = self.model.run(self._feeds(batch), outputs=list(self.outputs))
        scored = dict(batch)
        for name, column in self.outputs.items():
            scored[column] = results[name]
        return scored
