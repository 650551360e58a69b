from django.urls import path

from . import views

app_name = "notices"

urlpatterns = [
    path("notices/", views.notice_list, name="notice-list"),
    path("districts/<int:pk>/notices/new/", views.district_notice_create,
         name="district-notice-create"),
    path("committees/<int:pk>/notices/new/", views.committee_notice_create,
         name="committee-notice-create"),
    path("notices/<int:pk>/", views.notice_detail, name="notice-detail"),
    path("notices/<int:pk>/export/", views.notice_export, name="notice-export"),
    path("notices/<int:pk>/reopen/", views.notice_reopen, name="notice-reopen"),
    path("notices/<int:pk>/attachments/<int:attachment_pk>/", views.attachment_file,
         name="attachment-file"),
    path("notices/receipts/<int:pk>/sign/", views.receipt_sign, name="receipt-sign"),
    path("notices/receipts/<int:pk>/reply/", views.receipt_reply, name="receipt-reply"),
    path("notices/replies/<int:pk>/return/", views.reply_return, name="reply-return"),
    path("notices/replies/<int:pk>/files/<int:file_pk>/", views.reply_file, name="reply-file"),
]
