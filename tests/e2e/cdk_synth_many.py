"""Runs several generated CDK projects' `app.py` in one Python process (one jsii/Node start-up).

Usage: python cdk_synth_many.py PROJECT_DIR...  Each app runs as `python app.py` would run it
(as __main__, from its own folder, with that folder first on sys.path, writing PROJECT/cdk.out);
only the Node.js runtime behind jsii is shared, which is what makes a synth slow to start.
Prints one JSON line per project: {"project": ..., "ok": ..., "error": ...}.
"""

from __future__ import annotations

import json
import os
import runpy
import sys
import traceback


def synth(project: str) -> dict[str, object]:
    for name in [m for m in sys.modules if m == "infra" or m.startswith("infra.")]:
        del sys.modules[name]  # each project has its own infra package
    os.chdir(project)
    sys.path.insert(0, project)
    os.environ["CDK_OUTDIR"] = os.path.join(project, "cdk.out")
    try:
        runpy.run_path(os.path.join(project, "app.py"), run_name="__main__")
        return {"project": project, "ok": True, "error": ""}
    except Exception:  # report and go on with the next project
        return {"project": project, "ok": False, "error": traceback.format_exc()}
    finally:
        sys.path.remove(project)


if __name__ == "__main__":
    for path in sys.argv[1:]:
        print(json.dumps(synth(os.path.abspath(path))), flush=True)
