from django.urls import path

from sms.messageboard import views

app_name = "messageboard"

urlpatterns = [
    path("messages/", views.BoardView.as_view(), name="board"),
    path("messages/<int:pk>/", views.MessageView.as_view(), name="message"),
    path("messages/notices/<int:pk>/", views.NoticeView.as_view(), name="notice"),
    path("home-office/messages/", views.StaffMessagesView.as_view(), name="ho_messages"),
    path("home-office/messages/new/", views.MessagePostView.as_view(), name="ho_post"),
    path("home-office/messages/<int:pk>/change/", views.MessageEditView.as_view(), name="ho_edit"),
    path("home-office/messages/<int:pk>/withdraw/", views.MessageWithdrawView.as_view(), name="ho_withdraw"),
]
