"""The bearer header is built in one place, and renewed there after a 401."""

from __future__ import annotations

from types import SimpleNamespace

from conformance.transport.auth import bearer_header, send_renewing


class Tokens:
    def __init__(self) -> None:
        self.issued = 1

    def token(self) -> str:
        return f"t{self.issued}"

    def invalidate(self) -> None:
        self.issued += 1


def answering(*statuses: int):
    sent: list[dict[str, str]] = []
    queue = list(statuses)

    def send(headers: dict[str, str]):
        sent.append(headers)
        return SimpleNamespace(status_code=queue.pop(0))

    return send, sent


def test_the_header_carries_the_token() -> None:
    assert bearer_header("abc") == {"Authorization": "Bearer abc"}


def test_a_401_renews_the_token_and_sends_once_more() -> None:
    send, sent = answering(401, 200)
    assert send_renewing(Tokens(), send).status_code == 200
    assert sent == [bearer_header("t1"), bearer_header("t2")]


def test_a_second_401_stands() -> None:
    send, sent = answering(401, 401, 200)
    assert send_renewing(Tokens(), send).status_code == 401
    assert len(sent) == 2


def test_an_answer_other_than_401_is_sent_once() -> None:
    send, sent = answering(403)
    assert send_renewing(Tokens(), send).status_code == 403
    assert sent == [bearer_header("t1")]
