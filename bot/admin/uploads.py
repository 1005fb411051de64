"""Ledger uploads: streamed to disk with a size limit, and XLSX archives checked before anything unpacks them
(entry count, total unpacked size, compression ratio), so a zip bomb or a 100 MB file is refused cleanly."""

from __future__ import annotations

import re
import secrets
import shutil
import zipfile
from pathlib import Path
from urllib.parse import unquote

from aiohttp import BodyPartReader, web

from bot.offload import offload

MAX_UNPACKED = 200 * 1024 * 1024  # bytes an XLSX may unpack to
MAX_ENTRIES = 2000
MAX_RATIO = 100  # unpacked / packed, for entries over 1 MB
SUFFIXES = (".xlsx", ".csv")
CHUNK = 64 * 1024
_UNSAFE = re.compile(r"[^\w.\-\u4e00-\u9fff]+")
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


class UploadError(ValueError):
    """The upload is refused; the message is Chinese and says why."""


def safe_name(filename: str) -> str:
    filename = unquote(filename) if "%" in filename else filename  # some clients percent-encode UTF-8 names
    name = _UNSAFE.sub("_", Path(filename.replace("\\", "/")).name)[-80:].lstrip(".")
    if not name.lower().endswith(SUFFIXES):
        raise UploadError("只能上传 .xlsx 或 .csv 文件（.xls 请先用 Excel 另存为 .xlsx）。")
    return name


def check_archive(path: Path) -> None:
    """Refuse an XLSX that is not a zip or would unpack too large (declared sizes bound what zipfile reads)."""
    if path.suffix.lower() != ".xlsx":
        return
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError):
        raise UploadError("这个文件不是有效的 .xlsx 表格。") from None
    if len(entries) > MAX_ENTRIES:
        raise UploadError("这个表格的内部文件太多，不像正常的台账。")
    total = sum(e.file_size for e in entries)
    if total > MAX_UNPACKED:
        raise UploadError("这个表格解压后太大（可能是压缩炸弹），没有导入。")
    for entry in entries:
        if entry.file_size > 1024 * 1024 and entry.file_size > MAX_RATIO * max(entry.compress_size, 1):
            raise UploadError("这个表格的压缩比异常（可能是压缩炸弹），没有导入。")


async def receive(request: web.Request, folder: Path, max_bytes: int) -> tuple[str, Path]:
    """Stream the multipart field `file` into folder/<token>/<name>; (token, path). Nothing is kept on refusal."""
    if request.content_length is not None and request.content_length > max_bytes + CHUNK:
        raise UploadError(f"文件太大，最大 {max_bytes // (1024 * 1024)} MB。")
    reader = await request.multipart()
    part = await reader.next()
    while part is not None and (not isinstance(part, BodyPartReader) or part.name != "file"):
        part = await reader.next()
    if part is None or not part.filename:
        raise UploadError("请选择要上传的文件。")
    name = safe_name(part.filename)
    token = secrets.token_urlsafe(18)
    target = folder / token
    target.mkdir(parents=True)
    path = target / name
    size = 0
    try:
        with path.open("wb") as out:
            while chunk := await part.read_chunk(CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise UploadError(f"文件太大，最大 {max_bytes // (1024 * 1024)} MB。")
                out.write(chunk)
        if size == 0:
            raise UploadError("文件是空的。")
        await offload(check_archive, path)
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        raise
    return token, path


def stored(folder: Path, token: str) -> Path | None:
    """The uploaded file of a token (None for a tampered or spent token)."""
    if not _TOKEN.match(token):
        return None
    files = [p for p in (folder / token).glob("*") if p.is_file()] if (folder / token).is_dir() else []
    return files[0] if len(files) == 1 else None


def discard(folder: Path, token: str) -> None:
    if _TOKEN.match(token):
        shutil.rmtree(folder / token, ignore_errors=True)
