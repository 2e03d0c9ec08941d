"""Canonicalisation oracle backed by the official duo_client (PyPI).

Reads one JSON object per line on stdin: {"params": {...}} and answers one JSON object per line:
{"canonical": <canon_params(normalize_params(params))>, "json_body": <Client.canon_json(params)>}.
Used by core/tests/properties.rs (run by the repository's test command).
"""
import json
import sys

import duo_client.client as dc


def main() -> None:
    for line in sys.stdin:
        params = json.loads(line)["params"]
        answer = {
            "canonical": dc.canon_params(dc.normalize_params(params)),
            "json_body": dc.Client.canon_json(params),
        }
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
