from django.urls import path

from .views import activity, answering, autosave, deadlines, evidence, mine, overview, queue, reviewing

app_name = "assessments"

urlpatterns = [
    path("", overview.assessment_list, name="list"),
    path("start/", overview.start, name="start"),
    path("reviews/", queue.queue, name="review_queue"),
    path("mine/", mine.my_competencies, name="mine"),
    path("shas/<id:sha_pk>/review-deadlines/<id:cycle_pk>/", deadlines.review_deadline, name="review_deadline"),
    path("<id:pk>/", overview.detail, name="detail"),
    path("<id:pk>/answers/", answering.tasks, name="tasks"),
    path("<id:pk>/assignments/", answering.assign, name="assign"),
    path("<id:pk>/answers/competencies/<id:number>/", answering.competency, name="competency"),
    path("<id:pk>/answers/competencies/<id:number>/changes/", autosave.changes, name="changes"),
    path("<id:pk>/answers/<id:number>/", autosave.save_answer, name="save_answer"),
    path("<id:pk>/submit/", answering.submit, name="submit"),
    path("<id:pk>/review/", reviewing.review, name="review"),
    path("<id:pk>/review/levels/", reviewing.record_reviews, name="record_reviews"),
    path("<id:pk>/review/challenges/", reviewing.raise_challenge, name="raise_challenge"),
    path("<id:pk>/review/challenges/<id:challenge_pk>/withdraw/", reviewing.withdraw_challenge,
         name="withdraw_challenge"),
    path("<id:pk>/challenges/<id:challenge_pk>/reply/", answering.reply_to_challenge, name="reply_to_challenge"),
    path("<id:pk>/return/", reviewing.return_to_pct, name="return"),
    path("<id:pk>/accept/", reviewing.accept, name="accept"),
    path("<id:pk>/evidence/", evidence.evidence, name="evidence"),
    path("<id:pk>/evidence/add/", evidence.add_evidence, name="add_evidence"),
    path("<id:pk>/evidence/<id:reference_pk>/delete/", evidence.delete_evidence, name="delete_evidence"),
    path("<id:pk>/activity/", activity.activity, name="activity"),
]
