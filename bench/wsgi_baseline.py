"""The app plus one bench-only endpoint, POST /bench/insert, that does one INSERT and a
commit into the same database: the baseline for bench/answer_post.py. Not for production."""

from sqlalchemy import Column, Integer, MetaData, String, Table

from feedback.extensions import csrf, db
from wsgi import app  # as production runs it: the models and caches load before the fork

metadata = MetaData()
inserts = Table(
    "bench_inserts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("token", String(100)),
    Column("score", Integer),
    Column("comment", String(2000)),
)
with app.app_context():
    metadata.create_all(db.engine)
    db.engine.dispose()  # no connection shared across the fork


@app.post("/bench/insert/<token>")
@csrf.exempt
def bench_insert(token):
    from flask import redirect, request

    db.session.execute(
        inserts.insert().values(
            token=token, score=int(request.form["score"]), comment=request.form.get("comment")
        )
    )
    db.session.commit()
    return redirect(f"/bench/insert/{token}", code=303)
