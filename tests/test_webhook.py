"""The group robot (workflow/webhook.py) against a real HTTP receiver on 127.0.0.1 (http.server in a
thread, started by the test): after `python -m etl escalate`, the new warnings and escalations
are posted in WeCom's and DingTalk's markdown format, each once; no message carries a phone
(the demo's cases have phones); a failing receiver is reported, not fatal, and what it did not
take goes with the next run."""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from etl.cli import main
from metrics.db import Warehouse
from tests.test_ladder import copy_with_rule
from workflow import webhook

PHONE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


class Receiver:
    """A robot on 127.0.0.1: keeps each body it is sent and answers with `status` and `errcode`."""

    def __init__(self):
        self.bodies: list[dict] = []
        self.status, self.errcode = 200, 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                size = int(self.headers.get("Content-Length") or 0)
                receiver.bodies.append(json.loads(self.rfile.read(size)))
                answer = json.dumps({"errcode": receiver.errcode, "errmsg": "ok"}).encode()
                self.send_response(receiver.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):  # quiet
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/cgi-bin/webhook/send?key=test"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    robot = Receiver()
    yield robot
    robot.close()


@pytest.fixture
def deployment(tmp_path, copy_demo, monkeypatch):
    """A copy of the demo with a rule that proposes a 约谈通知 for cases 20 working days late (the
    demo's late cases have all had a 提醒函; a few never reached an interview)."""
    return copy_with_rule(tmp_path, copy_demo, monkeypatch, "T1,overdue,,20,约谈通知,propose,")


def run(warehouse, day="2025-11-30") -> int:
    return main(["escalate", "--warehouse", str(warehouse), "--today", day, "--json"])


@pytest.mark.parametrize("fmt", ["wecom", "dingtalk"])
def test_new_warnings_and_escalations_are_posted_once_in_the_robots_format(
    fmt, deployment, receiver, monkeypatch, capsys
):
    monkeypatch.setenv("WEBHOOK_URL", receiver.url)
    monkeypatch.setenv("WEBHOOK_FORMAT", fmt)
    assert run(deployment) == 0
    out = json.loads(capsys.readouterr().out)
    (body,) = receiver.bodies
    assert body["msgtype"] == "markdown"
    if fmt == "wecom":
        assert set(body["markdown"]) == {"content"}
        text = body["markdown"]["content"]
        assert len(text.encode()) <= 4096
    else:
        assert set(body["markdown"]) == {"title", "text"} and body["markdown"]["title"] == "物业监管预警 2025-11-30"
        text = body["markdown"]["text"]
    assert text.startswith("## 物业监管预警 2025-11-30")
    for kind in ("临期线索", "二次黑榜企业", "欠缴停滞项目", "排名下滑县区"):
        assert f"**{kind}：" in text
    assert "PC202510313591" in text and "晋中汇德物业管理服务有限公司" in text
    assert out["proposed"] and "**升级督办：" in text and f"#{out['proposed'][0]['id']} 约谈通知" in text
    (n,) = Warehouse(deployment).rows("SELECT count(*) FROM cases WHERE reporter_phone IS NOT NULL")[0]
    assert n > 0 and not PHONE.search(json.dumps(body, ensure_ascii=False))  # the cases have phones; no message does
    # a second run of the day: nothing new, nothing posted
    assert run(deployment) == 0
    assert json.loads(capsys.readouterr().out) == {"proposed": [], "issued": []}
    assert len(receiver.bodies) == 1


def test_a_failing_receiver_is_reported_not_fatal_and_retried_at_the_next_run(
    deployment, receiver, monkeypatch, capsys
):
    monkeypatch.setenv("WEBHOOK_URL", receiver.url)
    receiver.status = 500
    assert run(deployment) == 0  # the run did its work all the same
    captured = capsys.readouterr()
    assert json.loads(captured.out)["proposed"] and "推送失败" in captured.err and "下次运行时重试" in captured.err
    receiver.status, receiver.errcode = 200, 93000  # the robot answers, but refuses (e.g. a wrong key)
    assert run(deployment) == 0
    assert "errcode 93000" in capsys.readouterr().err
    receiver.errcode = 0
    assert run(deployment) == 0
    assert "已推送" in capsys.readouterr().err
    first, again, taken = receiver.bodies
    assert first == again == taken  # the items not taken went with the next run, the same message
    assert run(deployment) == 0 and len(receiver.bodies) == 3  # then nothing more


def test_a_phone_written_into_an_item_is_masked_before_it_is_sent():
    assert (
        webhook.scrub("业主 13812345678 反映，座机 0354-2345678；TS202401161422")
        == "业主 *** 反映，座机 ***；TS202401161422"
    )
    body = webhook.message("wecom", [{"kind": "due_soon", "text": "联系 13912345678"}], dt.date(2025, 2, 8))
    assert "13912345678" not in json.dumps(body, ensure_ascii=False)
