"""Course content (modules, checks and quizzes) read from files and validated, free of Flask and the database."""

from training.content.spec import (
    JOB_FUNCTIONS,
    CheckQuestion,
    ContentBundle,
    CourseSpec,
    ModuleSpec,
    Option,
    Problem,
    QuestionSpec,
    QuizSpec,
    Source,
)
from training.content.validate import content_hash, read_content

__all__ = [
    "JOB_FUNCTIONS",
    "CheckQuestion",
    "ContentBundle",
    "CourseSpec",
    "ModuleSpec",
    "Option",
    "Problem",
    "QuestionSpec",
    "QuizSpec",
    "Source",
    "content_hash",
    "read_content",
]
