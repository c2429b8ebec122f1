"""Benchmark: matching (岗位推介) on PostgreSQL — one seeker's posts, and one post's seekers.

A fresh PostgreSQL database gets one station with ``--seekers`` seekers (each with a case and a
matching profile drawn from a vocabulary of skills, wished posts and places) and ``--posts`` open
posts (plus 10% closed ones that must never show). Then, through the real API routes (Flask's test
client, a counselor's bearer token), ``--requests`` calls of each:

- ``GET /api/v1/seekers/{id}/matches`` for random seekers;
- ``GET /api/v1/posts/{id}/matches`` for random posts.

The first call of each builds the in-process token caches (jieba over every post / profile) and is
reported apart as "cold"; the percentiles are over the warm calls. Goal: p95 under 200 ms with
20,000 seekers × 2,000 posts.

    .venv/bin/python bench/matching.py                                  # 20,000 × 2,000
    .venv/bin/python bench/matching.py --seekers 2000 --posts 200 --requests 30   # a small run
"""
import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, text  # noqa: E402

from bench.common import fresh_database, insert_tokens, machine, migrate, naive_utcnow  # noqa: E402

SKILLS = ["Python", "Java", "Excel", "会计", "审计", "财务报表", "数据分析", "市场营销", "新媒体运营", "短视频剪辑",
          "平面设计", "Photoshop", "英语", "日语", "客户服务", "电话销售", "仓储管理", "物流", "叉车", "电工证",
          "厨师证", "护理", "幼儿教育", "驾驶", "CAD", "机械设计", "行政", "人力资源", "法律", "文案写作"]
POSTS = ["会计", "审计助理", "出纳", "Python开发工程师", "Java开发工程师", "数据分析师", "新媒体运营", "市场专员",
         "销售代表", "客服专员", "仓库管理员", "物流专员", "电工", "厨师", "护理员", "幼儿教师", "司机", "机械工程师",
         "行政助理", "人事专员", "法务助理", "文案策划", "平面设计师", "外贸业务员"]
PLACES = ["五角场", "长白新村", "殷行", "控江路", "大桥", "平凉路", "江浦路", "四平路", "新江湾城", "延吉新村"]
EDUCATION = [None, "secondary", "junior_college", "bachelor", "master"]
CATEGORIES = ["graduate_unemployed", "unemployed_youth", "hard_to_employ", "unemployed", "student", "other"]


def populate(database_url: str, seekers: int, posts: int, rng: random.Random) -> dict:
    """Insert the station, counselor, seekers with cases and profiles, employers and posts."""
    engine = create_engine(database_url)
    now = naive_utcnow()
    with engine.begin() as conn:
        station = conn.execute(text("INSERT INTO stations (slug, name, kind, address, created_at) VALUES "
                                    "('bench', '长白新村街道乐业空间', 'sub-district', '', :now) RETURNING id"),
                               {"now": now}).scalar_one()
        counselor = conn.execute(text(
            "INSERT INTO users (role, name, email, password_hash, station_id, active, prospect, created_at) "
            "VALUES ('counselor', '专员', 'c@bench.leye', 'x', :s, true, false, :now) RETURNING id"),
            {"s": station, "now": now}).scalar_one()
        conn.execute(text(
            "INSERT INTO users (role, name, phone, password_hash, category, station_id, graduation_year, active, "
            "prospect, created_at, consent_at, consent_version) VALUES ('seeker', :name, :phone, 'x', :cat, :s, "
            ":year, true, false, :now, :now, 'bench')"),
            [{"name": f"求职者{i}", "phone": f"136{i:08d}", "cat": rng.choice(CATEGORIES), "s": station,
              "year": rng.choice([None, 2024, 2025, 2026]), "now": now} for i in range(seekers)])
        seeker_ids = conn.execute(text("SELECT id FROM users WHERE role = 'seeker' ORDER BY id")).scalars().all()
        conn.execute(text("INSERT INTO cases (seeker_id, station_id, category, status, plan, created_at, updated_at) "
                          "SELECT id, station_id, category, 'active', '', :now, :now FROM users WHERE role = 'seeker'"),
                     {"now": now})
        conn.execute(text(
            "INSERT INTO seeker_profiles (seeker_id, education, skills, wished_posts, wished_places, salary_wish, "
            "updated_at) VALUES (:id, :edu, :skills, :wished, :places, :salary, :now)"),
            [{"id": sid, "edu": rng.choice(EDUCATION), "skills": "，".join(rng.sample(SKILLS, 3)),
              "wished": " ".join(rng.sample(POSTS, 2)), "places": rng.choice(PLACES),
              "salary": rng.choice([None, 5000, 7000, 9000]), "now": now} for sid in seeker_ids])
        conn.execute(text("INSERT INTO employers (name, industry, size, park, address, contact_name, contact_phone, "
                          "station_id, created_at) VALUES (:name, '', '', '', '', '', '', :s, :now)"),
                     [{"name": f"压测公司{i}", "s": station, "now": now} for i in range(max(posts // 5, 1))])
        employer_ids = conn.execute(text("SELECT id FROM employers ORDER BY id")).scalars().all()
        rows = []
        for i in range(posts + posts // 10):
            title = rng.choice(POSTS)
            low = rng.choice([4000, 6000, 8000])
            rows.append({"e": rng.choice(employer_ids), "s": station, "title": f"{title}{i}",
                         "desc": f"招聘{title}，要求熟悉{'、'.join(rng.sample(SKILLS, 4))}，工作认真负责。",
                         "edu": rng.choice(EDUCATION), "low": low, "high": low + 3000,
                         "loc": f"上海市杨浦区{rng.choice(PLACES)}", "tags": f'["{title}"]',
                         "welcome": '["graduate_unemployed"]' if rng.random() < 0.3 else "[]",
                         "status": "open" if i < posts else "closed", "now": now})
        conn.execute(text(
            "INSERT INTO posts (employer_id, station_id, title, description, headcount, salary_min, salary_max, "
            "education, location, tags, welcome_categories, status, created_at, updated_at) VALUES (:e, :s, :title, "
            ":desc, 1, :low, :high, :edu, :loc, :tags, :welcome, :status, :now, :now)"), rows)
        open_posts = conn.execute(text("SELECT id FROM posts WHERE status = 'open'")).scalars().all()
        closed = set(conn.execute(text("SELECT id FROM posts WHERE status <> 'open'")).scalars().all())
        (token,) = insert_tokens(conn, [counselor])
    engine.dispose()
    return {"seekers": seeker_ids, "posts": open_posts, "closed": closed, "token": token}


def timed(client, token: str, paths: list[str]) -> tuple[float, list[float], list]:
    headers = {"Authorization": f"Bearer {token}"}
    latencies, bodies = [], []
    for path in paths:
        start = time.perf_counter()
        response = client.get(path, headers=headers)
        latencies.append(time.perf_counter() - start)
        assert response.status_code == 200, (path, response.status_code, response.get_data(as_text=True)[:300])
        bodies.append(response.get_json())
    return latencies[0], latencies[1:], bodies


def report(label: str, cold: float, warm: list[float]) -> None:
    q = statistics.quantiles(warm, n=100, method="inclusive")
    print(f"{label:<40} cold {cold * 1000:8.1f} ms   warm p50 {q[49] * 1000:7.1f} ms   p95 {q[94] * 1000:7.1f} ms"
          f"   p99 {q[98] * 1000:7.1f} ms   ({len(warm)} calls)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seekers", type=int, default=20000)
    parser.add_argument("--posts", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=100)
    args = parser.parse_args()
    rng = random.Random(11)
    with fresh_database() as url:
        migrate(url)
        started = time.perf_counter()
        data = populate(url, args.seekers, args.posts, rng)
        print(f"populated {args.seekers} seekers and {args.posts} open posts in {time.perf_counter() - started:.1f} s")
        os.environ.setdefault("SECRET_KEY", "bench-secret")
        from leye_events import create_app

        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False})
        with app.app_context():
            client = app.test_client()
            seeker_paths = [f"/api/v1/seekers/{rng.choice(data['seekers'])}/matches" for _ in range(args.requests + 1)]
            cold, warm, bodies = timed(client, data["token"], seeker_paths)
            shown = {m["post"]["id"] for body in bodies for m in body["matches"]}
            assert not shown & data["closed"], "a closed post was ranked"
            print(f"machine: {machine()}")
            report("GET /seekers/{id}/matches", cold, warm)
            post_paths = [f"/api/v1/posts/{rng.choice(data['posts'])}/matches" for _ in range(args.requests + 1)]
            cold, warm, _bodies = timed(client, data["token"], post_paths)
            report("GET /posts/{id}/matches", cold, warm)
            from leye_events.extensions import db

            db.engine.dispose()


if __name__ == "__main__":
    main()
