"""`archsel scaffold`: render the chosen design as a SAM or CDK project (templates/ holds the sets)."""

from archsel.scaffold.design import Design, design_from_json, design_from_profile, design_from_recommendation
from archsel.scaffold.render import RenderedFile, render
from archsel.scaffold.write import WriteOptions, WriteReport, write_project

__all__ = [
    "Design",
    "RenderedFile",
    "WriteOptions",
    "WriteReport",
    "design_from_json",
    "design_from_profile",
    "design_from_recommendation",
    "render",
    "write_project",
]
