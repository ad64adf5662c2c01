from django.urls import path

from sms.dashboard import views

app_name = "dashboard"

urlpatterns = [
    path("sponsor/monthly-review/", views.MonthlyReviewView.as_view(), name="review"),
    path("sponsor/monthly-reviews/", views.MonthlyReviewHistoryView.as_view(), name="reviews"),
]
