"""`archsel recommend`: candidates, simulation, SLO checks, the decision, its reasons and the break-even."""

from archsel.recommend.decide import Recommendation, recommend

__all__ = ["Recommendation", "recommend"]
