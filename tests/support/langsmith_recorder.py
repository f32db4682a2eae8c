"""A loopback stand-in for the LangSmith API that records what the real `langsmith` client posts.

It answers `/info` like a server without run compression, then accepts the client's multipart ingest
(`/runs/multipart`), JSON batches (`/runs/batch`) and single run posts/patches, keeping every run's fields.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route


@dataclass
class Recorder:
    runs: dict[str, dict[str, Any]] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)
    raw: list[bytes] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def merge(self, run_id: str, values: dict[str, Any]) -> None:
        with self.lock:
            self.runs.setdefault(run_id, {}).update(values)

    def named(self, name: str) -> list[dict[str, Any]]:
        with self.lock:
            return [run for run in self.runs.values() if run.get("name") == name]


def create_app(recorder: Recorder) -> Starlette:
    async def info(request: Request) -> JSONResponse:
        recorder.requests.append("GET /info")
        return JSONResponse({"version": "0.11.0", "instance_flags": {"zstd_compression_enabled": False},
                             "batch_ingest_config": {"use_multipart_endpoint": True, "size_limit": 100,
                                                     "size_limit_bytes": 20_971_520, "scale_up_nthreads_limit": 1,
                                                     "scale_up_qsize_trigger": 1000, "scale_down_nempty_trigger": 4}})

    async def multipart(request: Request) -> Response:
        body = await request.body()
        recorder.requests.append("POST /runs/multipart")
        recorder.raw.append(body)
        async with request.form(max_part_size=50 * 1024 * 1024) as form:
            for name, value in form.multi_items():
                content = await value.read() if hasattr(value, "read") else value
                text = content.decode() if isinstance(content, bytes) else str(content)
                parts = name.split(".")
                if len(parts) < 2 or parts[0] not in ("post", "patch"):
                    continue
                run_id = parts[1]
                data = json.loads(text) if text else None
                if len(parts) == 2 and isinstance(data, dict):
                    recorder.merge(run_id, data)
                elif len(parts) == 3:
                    recorder.merge(run_id, {parts[2]: data})
        return Response(status_code=202)

    async def batch(request: Request) -> Response:
        body = await request.body()
        recorder.requests.append("POST /runs/batch")
        recorder.raw.append(body)
        data = json.loads(body)
        for run in data.get("post", []) + data.get("patch", []):
            recorder.merge(str(run["id"]), run)
        return Response(status_code=202)

    async def single(request: Request) -> Response:
        body = await request.body()
        recorder.requests.append(f"{request.method} {request.url.path}")
        recorder.raw.append(body)
        run = json.loads(body)
        recorder.merge(str(request.path_params.get("run_id") or run["id"]), run)
        return Response(status_code=202)

    async def anything(request: Request) -> JSONResponse:
        recorder.requests.append(f"{request.method} {request.url.path}")
        return JSONResponse({})

    return Starlette(routes=[
        Route("/info", info), Route("/runs/multipart", multipart, methods=["POST"]),
        Route("/runs/batch", batch, methods=["POST"]), Route("/runs", single, methods=["POST"]),
        Route("/runs/{run_id}", single, methods=["PATCH"]),
        Route("/{path:path}", anything, methods=["GET", "POST", "PATCH", "PUT"]),
    ])
