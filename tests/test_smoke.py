def test_directory_lists_cafes(client, cafe_a, cafe_b):
    response = client.get("/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Café de Saint-Jean-de-Côle" in page
    assert "Café de Lagrasse" in page
