"""viz info / validate, through the real console script."""

import json
import subprocess
import sys

import yaml
from conftest import dump_yaml

from viz.network.info import dataset_info


def run_viz(*args):
    return subprocess.run([sys.executable, "-m", "viz.cli", *map(str, args)], capture_output=True, text=True,
                          timeout=60)


def test_info_counts(dataset):
    info = dataset_info(dataset)
    assert info["actors"] == len(dataset.actors)
    assert info["series"]["jwg-defence"] == 5  # 3rd, June 2014 (no number), 15th, 16th (inferred), 17th
    assert info["facts_without_source"] == 0


def test_unsourced_facts_are_counted(data_copy):
    from viz.record.load import load_dataset

    path = data_copy / "actors.yaml"
    actors = yaml.safe_load(path.read_text())
    actors[5]["roles"][0]["sources"] = []
    actors.append({"id": "nobody-knows", "name": "Unsourced Body", "kind": "company"})
    path.write_text(dump_yaml(actors))
    assert dataset_info(load_dataset(data_copy))["facts_without_source"] == 2


def test_cli_validate_ok():
    result = run_viz("validate", "data/india-israel")
    assert result.returncode == 0, result.stderr
    assert "valid" in result.stdout


def test_cli_validate_broken_copy_exits_2_without_traceback(data_copy):
    path = data_copy / "events.yaml"
    path.write_text(path.read_text().replace("actor: amir-baram", "actor: amir-barm"))
    result = run_viz("validate", data_copy)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "jwg-17: participants[1].actor: 'amir-barm' is not an actor id; did you mean `amir-baram`?" in result.stderr
    assert f"{path}:" in result.stderr


def test_cli_info_json():
    result = run_viz("info", "data/india-israel", "--json")
    assert result.returncode == 0, result.stderr
    info = json.loads(result.stdout)
    assert set(info) >= {"actors", "agreements", "events", "series", "sessions", "sources", "facts_without_source"}
    assert info["facts_without_source"] == 0


def test_cli_info_on_missing_folder_exits_2(tmp_path):
    result = run_viz("info", tmp_path / "missing")
    assert result.returncode == 2 and "no such directory" in result.stderr and "Traceback" not in result.stderr


def test_cli_serve_refuses_a_broken_dataset_before_starting(data_copy):
    (data_copy / "dataset.yaml").write_text("schema_version: 3\nid: x\ntitle: X\n")
    result = run_viz("serve", "--data", data_copy, "--port", "1")
    assert result.returncode == 2
    assert "dataset.yaml:1: dataset: schema_version: 3 is not allowed here; write 2" in result.stderr
    assert "Traceback" not in result.stderr and "serving" not in result.stdout


def test_app_module_exposes_app_and_server_for_gunicorn():
    import runpy

    from flask import Flask

    module = runpy.run_path("app.py")
    assert isinstance(module["server"], Flask)
    assert module["app"].server is module["server"]
    response = module["server"].test_client().get("/")
    assert response.status_code == 200
    assert "<title>India–Israel defence cooperation</title>" in response.get_data(as_text=True)
