import os
import pathlib

import pytest

ROOT = pathlib.Path(os.environ.get("FROST_SOURCE_ROOT", pathlib.Path(__file__).resolve().parents[2]))


@pytest.fixture(scope="session")
def root():
    return ROOT


@pytest.fixture(scope="session")
def fashion_model():
    import frost
    return frost.load(ROOT / "models/fashion_cnn/frozen_graph.pb")
