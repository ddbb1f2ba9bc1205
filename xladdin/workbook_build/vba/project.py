"""Build and read `xl/vbaProject.bin`: a source-only VBA project Office recompiles on open."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from .cfb import read_cfb, write_cfb
from .dirstream import DEFAULT_REFERENCES, Reference, build_dir_stream, parse_dir_stream
from .ovba import compress, decompress
from .source import CODEPAGE, VbaModule, encode_source, normalise_newlines, validate_identifier

__all__ = ["build_vba_project", "encrypt_project_value", "read_vba_modules"]

# _VBA_PROJECT with version 0xFFFF and no performance cache: Office then treats any p-code as
# stale and compiles every module from its source (MS-OVBA 2.3.4.1).
_VBA_PROJECT_STREAM = bytes.fromhex("CC61FFFF000100")
# Fixed so builds are reproducible; the spec lets the writer pick any seed and filler bytes.
_SEED = 0x8D
_FILLER = 0x07
# Namespace for the default project ID, so the same project always gets the same ID.
_ID_NAMESPACE = uuid.UUID("6f1c39a4-5b0e-4d8e-9a57-2f0f0d1e7b61")
_HOST_EXTENDER = "&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000"
_VERSION_COMPATIBLE32 = "393222000"


def encrypt_project_value(data: bytes, project_id: str, seed: int = _SEED) -> str:
    """MS-OVBA 2.4.3.2 data encryption as used by the CMG, DPB and GC lines of PROJECT."""
    proj_key = sum(project_id.encode("ascii")) & 0xFF
    version_enc = seed ^ 2
    proj_key_enc = seed ^ proj_key
    out = bytearray([seed, version_enc, proj_key_enc])
    unencrypted1, encrypted1, encrypted2 = proj_key, proj_key_enc, version_enc
    plain = bytes([_FILLER] * ((seed & 6) // 2)) + len(data).to_bytes(4, "little") + data
    for byte in plain:
        byte_enc = byte ^ ((encrypted2 + unencrypted1) & 0xFF)
        out.append(byte_enc)
        encrypted2, encrypted1, unencrypted1 = encrypted1, byte_enc, byte
    return out.hex().upper()


def _default_project_id(project_name: str, modules: Sequence[VbaModule]) -> str:
    key = "\n".join([project_name, *(f"{m.kind}:{m.name}" for m in modules)])
    return "{" + str(uuid.uuid5(_ID_NAMESPACE, key)).upper() + "}"


def _project_stream(project_name: str, project_id: str, modules: Sequence[VbaModule]) -> bytes:
    lines = [f'ID="{project_id}"']
    for m in modules:
        if m.kind == "document":
            lines.append(f"Document={m.name}/&H00000000")
        elif m.kind == "class":
            lines.append(f"Class={m.name}")
        else:
            lines.append(f"Module={m.name}")
    lines += [
        f'Name="{project_name}"',
        'HelpContextID="0"',
        f'VersionCompatible32="{_VERSION_COMPATIBLE32}"',
        # Unprotected project, no password, visible: 4-byte 0, 1-byte 0, 1-byte 0xFF.
        f'CMG="{encrypt_project_value(bytes(4), project_id)}"',
        f'DPB="{encrypt_project_value(bytes(1), project_id)}"',
        f'GC="{encrypt_project_value(bytes([0xFF]), project_id)}"',
        "",
        "[Host Extender Info]",
        _HOST_EXTENDER,
        "",
        "[Workspace]",
        *(f"{m.name}=0, 0, 0, 0, C" for m in modules),
        "",
        "",
    ]
    return "\r\n".join(lines).encode(f"cp{CODEPAGE}")


def _projectwm_stream(modules: Sequence[VbaModule]) -> bytes:
    out = bytearray()
    for m in modules:
        out += m.name.encode(f"cp{CODEPAGE}") + b"\0" + m.name.encode("utf-16-le") + b"\0\0"
    return bytes(out + b"\0\0")


def build_vba_project(
    modules: Sequence[VbaModule],
    project_name: str = "VBAProject",
    *,
    project_id: str | None = None,
    references: Sequence[Reference] = DEFAULT_REFERENCES,
) -> bytes:
    """Return the bytes of a vbaProject.bin holding `modules` as source only.

    Output depends only on the arguments. `project_id` ("{GUID}") defaults to one derived
    from the project and module names.
    """
    validate_identifier(project_name, "project")
    seen: dict[str, str] = {}
    for m in modules:
        folded = m.name.upper()
        if folded in seen:
            raise ValueError(f"duplicate module name {m.name!r} (VBA names ignore case)")
        if folded == "DIR":
            raise ValueError("a module cannot be named 'dir': it would clash with the dir stream")
        seen[folded] = m.name
    if project_id is None:
        project_id = _default_project_id(project_name, modules)
    elif not (project_id.startswith("{") and project_id.endswith("}")):
        raise ValueError(f"project_id must look like '{{GUID}}', got {project_id!r}")
    else:
        uuid.UUID(project_id)

    dir_stream = build_dir_stream(
        project_name, [(m.name, m.kind == "standard") for m in modules], references, CODEPAGE
    )
    streams = {
        "PROJECT": _project_stream(project_name, project_id, modules),
        "PROJECTwm": _projectwm_stream(modules),
        "VBA/_VBA_PROJECT": _VBA_PROJECT_STREAM,
        "VBA/dir": compress(dir_stream),
    }
    for m in modules:
        # Checked on the caller's text first so error line numbers match their file.
        encode_source(m.name, normalise_newlines(m.source))
        streams[f"VBA/{m.name}"] = compress(encode_source(m.name, m.stored_source()))
    return write_cfb(streams)


def read_vba_modules(data: bytes) -> dict[str, str]:
    """Decompress every module's source from a vbaProject.bin, keyed by module name.

    Works on files Office wrote too: the dir stream says where each source starts in its
    stream (after any p-code) and which code page it uses.
    """
    streams = {path.upper(): blob for path, blob in read_cfb(data).items()}
    dir_path = next((p for p in streams if p == "VBA/DIR" or p.endswith("/VBA/DIR")), None)
    if dir_path is None:
        raise ValueError("no VBA/dir stream: not a VBA project")
    storage = dir_path[: -len("DIR")]
    info = parse_dir_stream(decompress(streams[dir_path]))
    out: dict[str, str] = {}
    for mod in info.modules:
        raw = streams.get(storage + mod.stream_name.upper())
        if raw is None:
            raise ValueError(f"module {mod.name!r}: stream {mod.stream_name!r} is missing")
        out[mod.name] = decompress(raw[mod.offset :]).decode(f"cp{info.codepage}")
    return out
