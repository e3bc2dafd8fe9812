"""Typed FastAPI dependencies: what the routers need, taken from the wired application."""

from typing import Annotated

from fastapi import Depends, Request

from services.analytics.adapters.model_store import MongoScoreStore
from services.analytics.service_layer.analysis import Analysis


def get_analysis(request: Request) -> Analysis:
    analysis: Analysis = request.app.state.analysis
    return analysis


def get_scores(request: Request) -> MongoScoreStore:
    scores: MongoScoreStore = request.app.state.scores
    return scores


AnalysisDep = Annotated[Analysis, Depends(get_analysis)]
ScoresDep = Annotated[MongoScoreStore, Depends(get_scores)]
