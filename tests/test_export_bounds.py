"""``viz export`` refuses image sizes outside the app's bounds (issue 11), exit 2 naming option and value.

Before, ``--width 100000`` exited 0 after writing a 3-byte file that is no PNG, and negative, NaN
or huge scales were passed on to the renderer.
"""

import pytest
from conftest import SMALL_DATA

from viz.cli import main
from viz.render.export_size import MAX_SCALE, MAX_SIZE, MIN_SCALE, MIN_SIZE, bound_problem

REFUSED = [
    ("--width", "100000", "argument --width: width 100000 is out of range: give 400 to 4000 pixels"),
    ("--width", "0", "argument --width: width 0 is out of range: give 400 to 4000 pixels"),
    ("--height", "-5", "argument --height: height -5 is out of range: give 400 to 4000 pixels"),
    ("--height", "4001", "argument --height: height 4001 is out of range: give 400 to 4000 pixels"),
    ("--width", "12.5", "argument --width: '12.5' is not a whole number"),
    ("--scale", "nan", "argument --scale: scale nan is out of range: give 0.25 to 4"),
    ("--scale", "-1", "argument --scale: scale -1 is out of range: give 0.25 to 4"),
    ("--scale", "inf", "argument --scale: scale inf is out of range: give 0.25 to 4"),
    ("--scale", "1e9", "argument --scale: scale 1e+09 is out of range: give 0.25 to 4"),
    ("--scale", "0", "argument --scale: scale 0 is out of range: give 0.25 to 4"),
    ("--scale", "big", "argument --scale: 'big' is not a number"),
]


@pytest.mark.parametrize("what", ["network", "timeline", "view"])
@pytest.mark.parametrize(("option", "value", "message"), REFUSED)
def test_export_refuses_an_image_size_outside_the_bounds(tmp_path, capsys, what, option, value, message):
    out = tmp_path / "chart.png"
    with pytest.raises(SystemExit) as exited:
        main(["export", what, "--format", "png", "--out", str(out), "--data", str(SMALL_DATA), option, value])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert err.rstrip().endswith(f"viz export: error: {message}") and "Traceback" not in err
    assert not out.exists()


def test_the_bounds_themselves_are_accepted():
    for name, low, high in (("width", MIN_SIZE, MAX_SIZE), ("height", MIN_SIZE, MAX_SIZE),
                            ("scale", MIN_SCALE, MAX_SCALE)):
        assert bound_problem(name, low) is None and bound_problem(name, high) is None
        assert bound_problem(name, low - 0.01) and bound_problem(name, high + 0.01)


def test_the_app_offers_the_same_bounds():
    from viz.app.layout import page_layout
    from viz.render.view import prepare_context

    def find(component, wanted: str):
        if getattr(component, "id", None) == wanted:
            return component
        children = getattr(component, "children", None)
        for child in children if isinstance(children, list | tuple) else [children]:
            if child is not None and not isinstance(child, str) and (hit := find(child, wanted)) is not None:
                return hit
        return None

    layout = page_layout(prepare_context(SMALL_DATA))
    for control in ("export-width", "export-height"):
        found = find(layout, control)
        assert (found.min, found.max) == (MIN_SIZE, MAX_SIZE)
