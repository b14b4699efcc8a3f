import json
import math

import numpy as np

from relforecast._jsontext import json_text


def test_non_finite_numbers_are_written_null_and_the_rest_unchanged():
    doc = {
        "a": [1.5, math.nan, np.float64(np.inf), -math.inf],
        "b": {"c": np.float32(2.0)},
        "d": "NaN",
        "e": None,
        "f": 3,
    }
    back = json.loads(json_text(doc), parse_constant=lambda t: (_ for _ in ()).throw(ValueError(t)))
    assert back == {"a": [1.5, None, None, None], "b": {"c": 2.0}, "d": "NaN", "e": None, "f": 3}
