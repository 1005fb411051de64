"""电话回访 results and who handles an open question, on both storage engines: a result replaced in place,
read back within a scope; taking a question is exclusive, answering over someone else's claim is refused."""

import pytest

from storage import Database, QuestionStore
from storage.callbacks import CallbackAnswers, CallbackStore
from storage.people import Scope


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest) -> str:
    """These tests run on both storage engines."""
    return str(request.param)


async def test_callback_results_are_replaced_and_read_within_a_scope(db: Database) -> None:
    store = CallbackStore(db)
    reached = CallbackAnswers(True, True, False, False, True, True, "满意", "电话 13912345678 换了")
    first = await store.save("2026-12", "p1", "sunjiaping", "东村", reached, "web:zhan", "李站长")
    assert first.answers.ledger_right is True and first.answers.knows_transport is False
    assert "13912345678" not in first.answers.note and first.recorded_name == "李站长"
    await store.save("2026-12", "p2", "qiansuo", "南村", CallbackAnswers(False), "web:nan", "赵联络员")
    again = await store.save("2026-12", "p1", "sunjiaping", "东村", CallbackAnswers(False), "web:boss", "张科长")
    assert not again.answers.reached and again.answers.satisfaction is None and again.recorded_by == "web:boss"
    assert set(await store.results("2026-12", Scope())) == {"p1", "p2"}
    assert set(await store.results("2026-12", Scope("qiansuo", "南村"))) == {"p2"}
    assert await store.results("2027-01", Scope()) == {}
    assert await store.result("2026-12", "p3") is None


async def test_a_taken_question_is_exclusive_until_released_or_answered(db: Database) -> None:
    store = QuestionStore(db)
    qid = await store.open("k", "补贴啥时候发", "test", "u1", "c1")
    taken = await store.take(qid, "web:zhan", "李站长")
    assert taken is not None and taken.handler == "web:zhan" and taken.handler_name == "李站长" and taken.taken_at
    assert await store.take(qid, "web:boss", "张科长") is None
    assert await store.take(qid, "web:zhan", "李站长") is not None  # taking it again is harmless
    assert await store.release(qid, "web:boss") is None  # only the holder's release is stored here
    assert await store.answer(qid, "请找村委会。", "县人社局", "张科长", actor="web:boss") is None
    answered = await store.answer(qid, "请找村委会。", "孙家坪乡就业服务站", "李站长", actor="web:zhan")
    assert answered is not None and answered.handler is None and answered.answerer == "李站长"
    assert answered.answered_by == "孙家坪乡就业服务站"
    assert await store.take(qid, "web:boss", "张科长") is None  # answered: nothing to take
    other = await store.open("k2", "稳岗补贴谁能领", "test", "u1", "c1")
    await store.take(other, "web:zhan", "李站长")
    released = await store.release(other, "web:zhan")
    assert released is not None and released.handler is None
    assert await store.take(other, "web:boss", "张科长") is not None
