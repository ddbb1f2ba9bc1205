"""LibreOffice as a user drives it, through UNO. Run by the SYSTEM python3 (python3-uno), never
imported by pytest: ``/usr/bin/python3 tests/lo_client.py`` reads one JSON job on stdin.

Job keys:
- ``soffice``: the soffice binary; ``profile``: a throw-away user profile folder (URL);
- ``open``: the document to load (LibreOffice writes its ``.~lock.<name>#`` beside it);
- ``type``: ``[[sheet, "M5", "50%"], ...]``: each text is typed into the cell as a person
  would (``.uno:EnterString`` on the selected cell, so LibreOffice applies its own input
  recognition: a percent, a day-first date, a decimal comma);
- ``save``: ``{"path": ..., "filter": ...}``: store through LibreOffice's export filter;
  without ``filter`` the document is stored in place with its current filter;
- ``hold``: after the edits, print ``ready`` and keep the document open until stdin closes.

Prints ``ok`` (or ``ready``) on success; any failure exits non-zero with the reason on stderr.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time

import uno  # type: ignore[import-not-found]  # python3-uno, system python only
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]


def prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def connect(soffice, profile):
    pipe = f"theodoi{os.getpid()}"
    office = subprocess.Popen(
        [
            soffice,
            "--headless",
            "--invisible",
            "--nologo",
            "--norestore",
            "--nodefault",
            f"-env:UserInstallation={profile}",
            f"--accept=pipe,name={pipe};urp;",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local
    )
    deadline = time.monotonic() + 120
    while True:
        try:
            ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            return office, ctx
        except Exception:
            if time.monotonic() > deadline or office.poll() is not None:
                raise
            time.sleep(0.3)


def main():
    job = json.loads(sys.stdin.readline())
    office, ctx = connect(job["soffice"], job["profile"])
    closed = False
    try:
        smgr = ctx.ServiceManager
        desktop = smgr.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        url = uno.systemPathToFileUrl(os.path.abspath(job["open"]))
        doc = desktop.loadComponentFromURL(url, "_blank", 0, (prop("Hidden", True),))
        if doc is None:
            raise SystemExit(f"LibreOffice could not open {job['open']}")
        dispatcher = smgr.createInstanceWithContext("com.sun.star.frame.DispatchHelper", ctx)
        frame = doc.getCurrentController().getFrame()
        for sheet, cell, text in job.get("type", []):
            doc.getCurrentController().setActiveSheet(doc.getSheets().getByName(sheet))
            dispatcher.executeDispatch(frame, ".uno:GoToCell", "", 0, (prop("ToPoint", cell),))
            dispatcher.executeDispatch(
                frame, ".uno:EnterString", "", 0, (prop("StringName", text),)
            )
        save = job.get("save")
        if save:
            if save.get("filter"):
                target = uno.systemPathToFileUrl(os.path.abspath(save["path"]))
                doc.storeToURL(
                    target, (prop("FilterName", save["filter"]), prop("Overwrite", True))
                )
            else:
                doc.store()
        if job.get("hold"):
            print("ready", flush=True)
            sys.stdin.read()
        try:
            doc.close(True)
            closed = True
        except Exception as exc:
            # LibreOffice 7.4 now and then dies while closing a hidden document it has already
            # stored (storeToURL returns once the file is written): the job is done.
            print(f"close failed after the job: {exc}", file=sys.stderr)
        print("ok", flush=True)
    finally:
        with contextlib.suppress(Exception):  # the office may already be gone
            desktop.terminate()
        try:
            office.wait(timeout=60)
        except subprocess.TimeoutExpired:
            office.kill()
            office.wait()
        if not closed:
            # The office that died while closing left its lock file; a person would see the
            # document recovered next time. Gone with the office, it locks nothing (and the
            # tool would rightly refuse a tracker "open in LibreOffice").
            folder, name = os.path.split(os.path.abspath(job["open"]))
            with contextlib.suppress(FileNotFoundError):
                os.remove(os.path.join(folder, f".~lock.{name}#"))


if __name__ == "__main__":
    main()
