def test_home_page_answers(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "乐业活动" in response.get_data(as_text=True)
